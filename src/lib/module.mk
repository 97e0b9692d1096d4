# lib: nft.c runs nftables commands through libnftables
LVSD_LDLIBS += -lnftables
# lib: nl.c speaks rtnetlink through libmnl
LVSD_LDLIBS += -lmnl
