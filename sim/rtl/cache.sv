// One set-associative cache array (used for both the instruction and the data cache): tags,
// valid bits and data, a combinational lookup, write-through updates of lines already present,
// and line fills one word at a time into a round-robin victim way. Policy (what to fill, when
// to flush) belongs to memsys.sv; this file only keeps the arrays consistent.
module cache #(
  parameter int BYTES = 4096,
  parameter int WAYS = 1,
  parameter int LINE = 32
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        flush,        // invalidate everything (fence.i for the I-cache)
  input  logic        lookup,       // a lookup this cycle (skipped otherwise: simulation speed)
  input  logic [31:0] addr,         // lookup address (physical)
  output logic        hit,
  output logic [31:0] rdata,
  input  logic        wr_en,        // a write passing through: update the word if present
  input  logic [31:0] wr_addr,
  input  logic [31:0] wr_data,
  input  logic [3:0]  wr_strb,
  input  logic        fill_en,      // one word of a line fill
  input  logic [31:0] fill_addr,    // address of that word
  input  logic [31:0] fill_data,
  input  logic        fill_last     // the line is complete: mark it valid
);
  localparam int WORDS = LINE / 4;
  localparam int SETS = BYTES / (WAYS * LINE);
  localparam int OFF_BITS = $clog2(LINE);
  localparam int WORD_BITS = $clog2(WORDS);
  localparam int SET_BITS = (SETS > 1) ? $clog2(SETS) : 1;
  localparam int TAG_BITS = 32 - OFF_BITS - ((SETS > 1) ? $clog2(SETS) : 0);
  localparam int WAY_BITS = (WAYS > 1) ? $clog2(WAYS) : 1;

  logic [TAG_BITS-1:0]  tags[SETS][WAYS];
  logic [SETS*WAYS-1:0] valid;          // flat, so a flush is one assignment
  logic [31:0]          data[SETS][WAYS][WORDS];
  logic [WAY_BITS-1:0]  victim;         // round-robin over all sets

  function automatic logic [SET_BITS-1:0] set_of(input logic [31:0] a);
    return (SETS > 1) ? SET_BITS'(a[OFF_BITS +: SET_BITS]) : '0;
  endfunction
  function automatic logic [TAG_BITS-1:0] tag_of(input logic [31:0] a);
    return a[31 -: TAG_BITS];
  endfunction
  function automatic logic [WORD_BITS-1:0] word_of(input logic [31:0] a);
    return a[2 +: WORD_BITS];
  endfunction
  function automatic logic present(input logic [31:0] a, input int w);
    return valid[int'(set_of(a)) * WAYS + w] && tags[set_of(a)][w] == tag_of(a);
  endfunction

  always_comb begin
    hit = 1'b0;
    rdata = 32'd0;
    if (lookup) begin
      for (int w = 0; w < WAYS; w++) begin
        if (present(addr, w)) begin
          hit = 1'b1;
          rdata = data[set_of(addr)][w][word_of(addr)];
        end
      end
    end
  end

  // Write-through update: find the way holding wr_addr and merge the written bytes.
  logic                wr_hit;
  logic [WAY_BITS-1:0] wr_way;
  logic [31:0]         wr_merged;
  always_comb begin
    wr_hit = 1'b0;
    wr_way = '0;
    if (wr_en) for (int w = 0; w < WAYS; w++) begin
      if (present(wr_addr, w)) begin
        wr_hit = 1'b1;
        wr_way = WAY_BITS'(w);
      end
    end
    wr_merged = wr_data;
    if (wr_hit) begin
      wr_merged = data[set_of(wr_addr)][wr_way][word_of(wr_addr)];
      for (int b = 0; b < 4; b++)
        if (wr_strb[b]) wr_merged[8*b +: 8] = wr_data[8*b +: 8];
    end
  end

  always_ff @(posedge clk) begin
    if (rst || flush) begin
      valid <= '0;
      victim <= '0;
    end else begin
      if (wr_en && wr_hit) data[set_of(wr_addr)][wr_way][word_of(wr_addr)] <= wr_merged;
      if (fill_en) begin
        // The victim way is invalid while it fills, so a lookup never sees a half line.
        data[set_of(fill_addr)][victim][word_of(fill_addr)] <= fill_data;
        tags[set_of(fill_addr)][victim] <= tag_of(fill_addr);
        valid[int'(set_of(fill_addr)) * WAYS + int'(victim)] <= fill_last;
        if (fill_last) victim <= (victim == WAY_BITS'(WAYS - 1)) ? '0 : victim + 1'b1;
      end
    end
  end
endmodule
