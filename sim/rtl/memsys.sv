// The core's memory system: an instruction cache and a write-through data cache in front of the
// SoC bus, both physically indexed and tagged, for RAM only (devices are never cached).
//
// Timing: a cache hit answers the cycle after the request. A miss fills the whole line from
// RAM, first word after MEM_LAT cycles and one word per cycle after that (a burst), then
// answers. Writes update the data cache when the line is present and always go to RAM, so RAM
// is always current and the page walker, AMOs and devices need no coherence protocol. The
// instruction cache sees no stores (as on VexRiscv); fence.i empties it. ICACHE_COHERENT makes
// it snoop stores instead, for software that forgets fence.i.
//
// What is cached depends on the map (SOC): virt caches its RAM; betrusted caches the boot ROM,
// the SPI flash and the SRAM, but only SRAM lines take write-through updates, because a store to
// ROM or flash is refused by the bus (an access fault) and must leave the cached copy alone.
module memsys
  import courier_pkg::*;
#(
  parameter int RAM_BYTES = 8 * 1024 * 1024,
  parameter int ICACHE_BYTES = 4096,
  parameter int ICACHE_WAYS = 2,
  parameter int DCACHE_BYTES = 4096,
  parameter int DCACHE_WAYS = 2,
  parameter int LINE = 32,
  parameter bit CACHES = 1'b1,
  parameter bit ICACHE_COHERENT = 1'b0,
  // Pipelined core: instructions come through the I port below, and data read hits are
  // answered in the cycle of the request.
  parameter bit SPLIT = 1'b0,
  parameter int SOC = 0               // 0 virt, 1 betrusted
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        ifence,
  input  logic        dflush,       // the harness wrote RAM behind the data cache (tohost replies)
  output logic [63:0] ifills,       // line fills so far (misses), for the statistics line
  output logic [63:0] dfills,
  // core side
  input  logic        c_req,
  input  logic        c_ifetch,
  input  logic        c_we,
  input  logic [31:0] c_addr,
  input  logic [31:0] c_wdata,
  input  logic [3:0]  c_wstrb,
  output logic        c_ack,
  output logic        c_err,
  output logic [31:0] c_rdata,
  output logic        c_ready,      // a request would be accepted this cycle
  // instruction port (SPLIT): combinational lookup, and a line refill on request
  input  logic        i_lookup,
  input  logic [31:0] i_addr,
  output logic        i_hit,
  output logic [31:0] i_data,
  input  logic        i_refill,
  // SoC side
  output logic        b_req,
  output logic        b_burst,
  output logic        b_we,
  output logic [31:0] b_addr,
  output logic [31:0] b_wdata,
  output logic [3:0]  b_wstrb,
  input  logic        b_ack,
  input  logic        b_err,
  input  logic [31:0] b_rdata
);
  localparam int WORDS = LINE / 4;
  localparam int OFF_BITS = $clog2(LINE);

  typedef enum logic [1:0] {M_IDLE, M_HIT, M_PASS, M_FILL} mstate_t;
  mstate_t state;
  logic [31:0] hit_data, fill_base, want;
  logic        fill_i, fill_start, fill_answer;
  logic [31:0] widx;

  wire cacheable = CACHES && (SOC == 1 ? betrusted_cached(c_addr, RAM_BYTES)
                             : c_addr >= 32'h8000_0000 && c_addr - 32'h8000_0000 < 32'(RAM_BYTES));
  // A store that may update a cached line (virt: all cached memory is RAM).
  wire store_cached = SOC == 1 ? CACHES && betrusted_sram(c_addr, RAM_BYTES) : cacheable;
  logic ic_hit, d_hit;
  logic [31:0] ic_data, d_data;
  assign i_hit = ic_hit;
  assign i_data = ic_data;
  wire hit = c_ifetch ? ic_hit : d_hit;
  wire [31:0] hdata = c_ifetch ? ic_data : d_data;
  wire fast_hit = SPLIT && c_req && cacheable && !c_we && d_hit;
  assign c_ready = state == M_IDLE || state == M_HIT || (state == M_PASS && b_ack);
  wire start_irefill = SPLIT && i_refill && state == M_IDLE && !c_req;
  wire [31:0] ic_addr = SPLIT ? i_addr : c_addr;
  wire read_hit = c_req && cacheable && !c_we && hit;
  wire read_miss = c_req && cacheable && !c_we && !hit;
  wire forward = c_req && !(cacheable && !c_we);

  wire fill_ack = state == M_FILL && b_ack;
  wire fill_last = widx == 32'(WORDS - 1);
  wire [31:0] fill_addr = fill_base + (widx << 2);

  cache #(.BYTES(ICACHE_BYTES), .WAYS(ICACHE_WAYS), .LINE(LINE)) u_icache (
    .clk, .rst, .flush(ifence), .lookup(SPLIT ? i_lookup : c_req && c_ifetch), .addr(ic_addr),
    .hit(ic_hit), .rdata(ic_data),
    .wr_en(ICACHE_COHERENT && forward && c_we && store_cached), .wr_addr(c_addr),
    .wr_data(c_wdata), .wr_strb(c_wstrb),
    .fill_en(fill_ack && fill_i), .fill_addr, .fill_data(b_rdata), .fill_last
  );
  cache #(.BYTES(DCACHE_BYTES), .WAYS(DCACHE_WAYS), .LINE(LINE)) u_dcache (
    .clk, .rst, .flush(dflush), .lookup(c_req && !c_ifetch), .addr(c_addr), .hit(d_hit), .rdata(d_data),
    .wr_en(forward && c_we && store_cached), .wr_addr(c_addr), .wr_data(c_wdata), .wr_strb(c_wstrb),
    .fill_en(fill_ack && !fill_i), .fill_addr, .fill_data(b_rdata), .fill_last
  );

  always_comb begin
    c_ack = fast_hit; c_err = 1'b0; c_rdata = fast_hit ? d_data : hit_data;
    unique case (state)
      M_HIT: c_ack = 1'b1;
      M_PASS: begin c_ack = b_ack; c_err = b_err; c_rdata = b_rdata; end
      default: ;
    endcase
    b_req = 1'b0; b_burst = 1'b0; b_we = c_we; b_addr = c_addr; b_wdata = c_wdata;
    // betrusted, two-stage core: a fetch outside memory must fault as core5's does, so it is
    // sent to an address the bus refuses (0) rather than read a device register as code.
    if (SOC == 1 && c_ifetch && !cacheable) b_addr = 32'd0;
    b_wstrb = c_wstrb;
    if (state == M_FILL) begin
      b_we = 1'b0;
      b_req = fill_start || (b_ack && !fill_last);
      b_burst = !fill_start;
      b_addr = fill_start ? fill_base : fill_addr + 32'd4;
    end else if (forward) begin
      b_req = 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state <= M_IDLE;
      fill_start <= 1'b0;
      ifills <= 64'd0;
      dfills <= 64'd0;
    end else begin
      if (fill_ack && fill_last) begin
        if (fill_i) ifills <= ifills + 64'd1;
        else dfills <= dfills + 64'd1;
      end
      fill_start <= 1'b0;
      if (state == M_FILL) begin
        if (b_ack) begin
          if (fill_addr[OFF_BITS-1:2] == want[OFF_BITS-1:2]) hit_data <= b_rdata;
          widx <= widx + 32'd1;
          if (fill_last) state <= fill_answer ? M_HIT : M_IDLE;
        end
      end else if (start_irefill) begin
        fill_base <= {i_addr[31:OFF_BITS], {OFF_BITS{1'b0}}};
        want <= i_addr;
        fill_i <= 1'b1;
        fill_answer <= 1'b0;
        widx <= 32'd0;
        fill_start <= 1'b1;
        state <= M_FILL;
      end else if (c_req) begin
        if (fast_hit) begin
          state <= M_IDLE;
        end else if (read_hit) begin
          hit_data <= hdata;
          state <= M_HIT;
        end else if (read_miss) begin
          fill_base <= {c_addr[31:OFF_BITS], {OFF_BITS{1'b0}}};
          want <= c_addr;
          fill_i <= c_ifetch;
          fill_answer <= 1'b1;
          widx <= 32'd0;
          fill_start <= 1'b1;
          state <= M_FILL;
        end else state <= M_PASS;
      end else if (state == M_HIT || (state == M_PASS && b_ack)) begin
        state <= M_IDLE;
      end
    end
  end
endmodule
