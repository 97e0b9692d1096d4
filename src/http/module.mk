# src/http: lvsd's HTTP endpoint is libmicrohttpd driven by lvsd's main loop
LVSD_LDLIBS += -lmicrohttpd
