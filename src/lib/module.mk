# lib: nft.c runs nftables commands through libnftables
LVSD_LDLIBS += -lnftables
