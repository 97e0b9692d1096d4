# ipvsadm cuts names to ipvsadm's buffer sizes on purpose (59-char names,
# 15-char tunnel info), so truncating snprintf is intended here.
CFLAGS_cli += -Wno-format-truncation
