# src/cli: ipvsadm parses its command line with libpopt, as ipvsadm 1.31
# does, so that every quirk of popt's scanning is popt's own
IPVSADM_LDLIBS += -lpopt
# test_cli_parse checks the popt scanning ipvsadm relies on
$(BUILD)/tests/test_cli_parse: TEST_LDLIBS += -lpopt
