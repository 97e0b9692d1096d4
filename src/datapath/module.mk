# datapath: libmnl (rtnetlink next hops), libnftables (ingress guard)
LVSD_LDLIBS += -lmnl -lnftables
