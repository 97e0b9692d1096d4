# bench/module.mk - micro-benchmark binaries (bench/micro/*.c), each linked
# against the core library: build/bench/<name>.
BENCH_MICRO_SRCS := $(wildcard bench/micro/*.c)
BENCH_MICRO_BINS := $(patsubst bench/micro/%.c,$(BUILD)/bench/%,$(BENCH_MICRO_SRCS))
EXTRA_TARGETS += $(BENCH_MICRO_BINS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/micro/%.o $(BUILD)/libcore.a $(BUILD)/liblib.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
