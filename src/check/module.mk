# src/check: the health checker uses libcurl (multi interface) for HTTP(S)
LVSD_LDLIBS += -lcurl
