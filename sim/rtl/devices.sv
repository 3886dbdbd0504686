// The SoC's small devices, register-compatible with what QEMU virt offers at the same
// addresses: CLINT (msip, mtimecmp, mtime), a PLIC subset (priorities, pending, per-context
// enables, thresholds, claim/complete for context 0 = M and 1 = S), a 16550 UART (always ready
// to transmit; a receive FIFO the harness fills), the Goldfish RTC, and SiFive's test finisher.
// Reads are combinational on the request; the SoC registers them. Harness callbacks (console
// bytes, exit) go through DPI.

module clint #(parameter int TIME_DIV = 10) (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [15:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  output logic        mtip,
  output logic        msip,
  output logic [63:0] mtime
);
  logic [63:0] mtimecmp;
  logic [7:0]  div;
  always_comb begin
    unique case (addr)
      16'h0000: rdata = {31'd0, msip};
      16'h4000: rdata = mtimecmp[31:0];
      16'h4004: rdata = mtimecmp[63:32];
      16'hBFF8: rdata = mtime[31:0];
      16'hBFFC: rdata = mtime[63:32];
      default:  rdata = 32'd0;
    endcase
  end
  // mtimecmp resets to zero, as on QEMU: MTIP reads pending until software programs it.
  always_ff @(posedge clk) begin
    if (rst) begin
      msip <= 1'b0; mtimecmp <= 64'd0; mtime <= 64'd0; div <= 8'd0;
    end else begin
      if (div == 8'(TIME_DIV - 1)) begin
        div <= 8'd0;
        mtime <= mtime + 64'd1;
      end else div <= div + 8'd1;
      if (sel && we) begin
        unique case (addr)
          16'h0000: msip <= wdata[0];
          16'h4000: mtimecmp[31:0] <= wdata;
          16'h4004: mtimecmp[63:32] <= wdata;
          16'hBFF8: mtime[31:0] <= wdata;
          16'hBFFC: mtime[63:32] <= wdata;
          default: ;
        endcase
      end
    end
  end
  assign mtip = mtime >= mtimecmp;
endmodule

module plic (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [25:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  input  logic [31:0] src,     // level-triggered sources, bit 0 unused
  output logic        meip,
  output logic        seip
);
  // Packed vectors and per-context registers rather than unpacked arrays: writes into arrays
  // cost the simulation bookkeeping every cycle.
  logic [31:0][2:0] prio;
  logic [31:0] pending, claimed, enable0, enable1;
  logic [2:0]  threshold0, threshold1;
  logic [4:0]  best0, best1;

  // Best pending, enabled source above threshold (lowest id wins ties). It is recomputed only
  // when some input may have changed (an access, or a new pending source) and once more the
  // cycle after, when the access's writes or the new pending bit have landed, so the scan does
  // not run every simulated cycle; meip/seip lag by a cycle or two as a result.
  function automatic logic [4:0] pick(input logic [31:0] en, input logic [2:0] thr);
    logic [4:0] b;
    logic [2:0] bp;
    b = 5'd0;
    bp = thr;
    for (int i = 1; i < 32; i++) begin
      if (pending[i] && en[i] && prio[i] > bp) begin
        b = 5'(i);
        bp = prio[i];
      end
    end
    return b;
  endfunction

  // The cycle after an access or a new request, when its effects have landed. (A new request
  // can arrive in the cycle after an access, e.g. a level source still asserted when its
  // completion clears `claimed`: it needs its own second scan.)
  logic scan_again;
  wire new_request = (src & ~claimed & ~pending & 32'hFFFF_FFFE) != 32'd0;
  wire rescan = sel || new_request || scan_again;
  assign meip = best0 != 5'd0;
  assign seip = best1 != 5'd0;

  wire ctx = addr[12];  // 0x20_0000 + 0x1000 * ctx, and 0x2000 + 0x80 * ctx
  wire is_ctx_reg = addr[25:13] == 13'h100;
  wire [4:0] best_ctx = ctx ? best1 : best0;
  always_comb begin
    rdata = 32'd0;
    if (addr < 26'h1000) rdata = {29'd0, prio[addr[6:2]]};
    else if (addr == 26'h1000) rdata = pending;
    else if (addr == 26'h2000) rdata = enable0;
    else if (addr == 26'h2080) rdata = enable1;
    else if (is_ctx_reg && addr[11:0] == 12'h000) rdata = {29'd0, ctx ? threshold1 : threshold0};
    else if (is_ctx_reg && addr[11:0] == 12'h004) rdata = {27'd0, best_ctx};
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      pending <= 32'd0; claimed <= 32'd0; prio <= '0;
      enable0 <= 32'd0; enable1 <= 32'd0; threshold0 <= 3'd0; threshold1 <= 3'd0;
      best0 <= 5'd0; best1 <= 5'd0; scan_again <= 1'b0;
    end else begin
      scan_again <= sel || new_request;
      if (rescan) begin
        best0 <= pick(enable0, threshold0);
        best1 <= pick(enable1, threshold1);
      end
      pending <= (pending | (src & ~claimed)) & 32'hFFFF_FFFE;
      if (sel && !we && is_ctx_reg && addr[11:0] == 12'h004 && best_ctx != 5'd0) begin
        pending[best_ctx] <= 1'b0;
        claimed[best_ctx] <= 1'b1;
      end
      if (sel && we) begin
        if (addr < 26'h1000) prio[addr[6:2]] <= wdata[2:0];
        else if (addr == 26'h2000) enable0 <= wdata;
        else if (addr == 26'h2080) enable1 <= wdata;
        else if (is_ctx_reg && addr[11:0] == 12'h000) begin
          if (ctx) threshold1 <= wdata[2:0]; else threshold0 <= wdata[2:0];
        end else if (is_ctx_reg && addr[11:0] == 12'h004) claimed[wdata[4:0]] <= 1'b0;
      end
    end
  end
endmodule

// 16550 UART (QEMU virt's ns16550a, hw/char/serial.c): the transmitter is always ready (LSR
// THRE|TEMT), a byte written to THR goes straight to the harness's console. The receiver is a
// RX_DEPTH-byte FIFO (always on, as IIR's FIFO bits say) that the harness fills through
// rx_valid/rx_data while rx_ready (the FIFO has room): a byte is taken at the rising edge where
// rx_valid && rx_ready, so the harness knows from the values before the edge whether it went in.
//
// Byte lanes of the word at offset 0 and 4: RBR/THR IER IIR/FCR LCR | MCR LSR MSR SCR. The bus
// carries a load's byte lanes in wstrb (the core sets them for loads as for stores), so a read
// that covers lane 0 of word 0 with DLAB=0 is a read of RBR and pops the FIFO's head (lbu base+0,
// or lw base+0), while reads of IIR (+2), LSR (+5) etc. do not pop. RBR with nothing held reads
// 0 (QEMU in FIFO mode). LSR = 0x60 | DR (bit 0: the FIFO holds a byte). IER bit 0 (ERBFI)
// enables the received-data interrupt, bit 1 the THR-empty one; IIR reads 0xC4 while a
// received-data interrupt is pending (IER[0] && DR), else 0xC2 while THR-empty interrupts are
// enabled, else 0xC1 (FIFOs on, no interrupt). irq = (IER[0] && DR) || IER[1]. An FCR write
// (offset 2) with bit 1 (RFR) empties the receive FIFO. Not modelled: FCR's trigger level (the
// interrupt is raised from one byte on), the character-timeout interrupt (IIR 0xCC), the
// non-FIFO mode QEMU starts in (one byte of room until FCR bit 0 is set; here RX_DEPTH always),
// overrun (the harness never offers a byte without room), loopback (MCR bit 4).
module uart #(parameter int RX_DEPTH = 16) (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [7:0]  addr,
  input  logic [31:0] wdata,
  input  logic [3:0]  wstrb,      // byte lanes, for loads as for stores
  output logic [31:0] rdata,
  output logic        irq,
  input  logic        rx_valid,   // the harness offers rx_data
  input  logic [7:0]  rx_data,
  output logic        rx_ready    // the receive FIFO has room
);
  import "DPI-C" function void dpi_uart_putc(input byte unsigned c);
  localparam int RXB = $clog2(RX_DEPTH);
  logic [7:0] ier, lcr, mcr, scr, dll, dlm;
  logic [RX_DEPTH-1:0][7:0] rxf;
  logic [RXB-1:0] rhead;
  logic [RXB:0]   rcount;
  wire dlab = lcr[7];
  wire dr = rcount != '0;
  wire rdi = ier[0] && dr;
  wire [7:0] iir = rdi ? 8'hC4 : ier[1] ? 8'hC2 : 8'hC1;
  assign irq = rdi || ier[1];
  assign rx_ready = rcount != (RXB+1)'(RX_DEPTH);
  always_comb begin
    if (addr[2] == 1'b0)
      rdata = {lcr, iir, dlab ? dlm : ier, dlab ? dll : (dr ? rxf[rhead] : 8'd0)};
    else rdata = {scr, 8'h00, 7'b0110000, dr, mcr};
  end
  // Everything happens under an access or an offered byte, so an idle UART costs one test per
  // cycle (and rx_valid is only sampled here, at the edge: no logic of the model's inputs has to
  // be evaluated between edges).
  always_ff @(posedge clk) begin
    logic push, pop;
    if (rst) begin
      ier <= 8'd0; lcr <= 8'd0; mcr <= 8'd0; scr <= 8'd0; dll <= 8'd0; dlm <= 8'd0;
      rhead <= '0; rcount <= '0;
    end else if (sel || rx_valid) begin
      push = rx_valid && rx_ready;
      pop = sel && !we && addr[2] == 1'b0 && wstrb[0] && !dlab && dr;
      if (sel && we && addr[2] == 1'b0 && wstrb[2] && wdata[17]) begin  // FCR.RFR
        rhead <= '0;
        rcount <= (RXB+1)'(push);
        if (push) rxf[0] <= rx_data;
      end else begin
        if (push) rxf[rhead + RXB'(rcount)] <= rx_data;
        if (pop) rhead <= rhead + 1'b1;
        rcount <= rcount + (RXB+1)'(push) - (RXB+1)'(pop);
      end
      if (sel && we) begin
        if (addr[2] == 1'b0) begin
          if (wstrb[0]) begin
            if (dlab) dll <= wdata[7:0];
            else dpi_uart_putc(wdata[7:0]);
          end
          if (wstrb[1]) begin
            if (dlab) dlm <= wdata[15:8];
            else ier <= wdata[15:8] & 8'h0F;
          end
          if (wstrb[3]) lcr <= wdata[31:24];
        end else begin
          if (wstrb[0]) mcr <= wdata[7:0];
          if (wstrb[3]) scr <= wdata[31:24];
        end
      end
    end
  end
endmodule

// Goldfish RTC, as QEMU 7.2's hw/rtc/goldfish_rtc.c (QEMU virt: 0x0010_1000, PLIC source 11).
// Registers (32-bit): 0x00 TIME_LOW (reading it latches the high half), 0x04 TIME_HIGH (the
// latched half), 0x08 ALARM_LOW (writing it arms the alarm at {ALARM_HIGH, value}; an alarm at
// or before the current time fires at once), 0x0c ALARM_HIGH, 0x10 IRQ_ENABLED (bit 0),
// 0x14 CLEAR_ALARM (disarms; a fired alarm stays pending), 0x18 ALARM_STATUS (1 while armed),
// 0x1c CLEAR_INTERRUPT; 0x14, 0x1c and 0x20 read as 0. Writing TIME_LOW/TIME_HIGH sets that half
// of the current time. A fired alarm sets the interrupt pending; the line is pending &&
// IRQ_ENABLED, a level that holds until CLEAR_INTERRUPT. As on QEMU only the 0x24 bytes of
// registers answer, as whole words: other offsets and byte/halfword stores get a bus error
// (`ok` low; the SoC turns it into an access fault). Sub-word loads are not refused (the bus
// does not carry a load's size); they read the word's bytes.
//
// Time is in nanoseconds derived from the CLINT's mtime: TIME = mtime * NS_PER_TICK + offset,
// 100 ns per tick of the nominal 10 MHz timebase (whatever TIME_DIV is), so the RTC and `time`
// agree. The offset is QEMU's tick_offset: 0 at reset (QEMU starts at the host's Unix time),
// moved by writes to TIME. Unlike on QEMU, a write to mtime moves the RTC as well.
//
// Cheap to simulate: the nanosecond arithmetic (a multiply; a divide to turn the alarm into an
// mtime value) appears only under an access, and the read mux is used only inside the SoC's
// request branch (no wire holds the current time, which would be evaluated every cycle). The
// per-cycle work is one 64-bit compare: alarm_tick is all-ones while no alarm is armed.
module goldfish_rtc #(parameter int NS_PER_TICK = 100) (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,      // a request to the RTC's 4 KiB slot
  input  logic        we,
  input  logic [11:0] addr,     // byte offset in the slot
  input  logic [31:0] wdata,
  input  logic [3:0]  wstrb,
  input  logic [63:0] mtime,
  output logic        ok,       // the access is to a register, as a whole word
  output logic [31:0] rdata,
  output logic        irq
);
  localparam logic [63:0] DISARMED = '1;
  logic [63:0] offset, alarm_next, alarm_tick;
  logic [31:0] time_high;
  logic        irq_pending, irq_enabled;
  assign irq = irq_pending && irq_enabled;
  assign ok = addr < 12'h024 && !(we && wstrb != 4'b1111);

  function automatic logic [63:0] now_ns(input logic [63:0] ticks, input logic [63:0] off);
    return ticks * 64'(NS_PER_TICK) + off;
  endfunction
  function automatic logic [31:0] now_low(input logic [63:0] ticks, input logic [63:0] off);
    return 32'(ticks * 64'(NS_PER_TICK) + off);
  endfunction

  always_comb begin
    unique case (addr[5:2])
      4'd0: rdata = now_low(mtime, offset);
      4'd1: rdata = time_high;
      4'd2: rdata = alarm_next[31:0];
      4'd3: rdata = alarm_next[63:32];
      4'd4: rdata = {31'd0, irq_enabled};
      4'd6: rdata = {31'd0, alarm_tick != DISARMED};
      default: rdata = 32'd0;   // CLEAR_ALARM, CLEAR_INTERRUPT, 0x20
    endcase
  end

  always_ff @(posedge clk) begin
    logic [63:0] now, alarm, rel;
    if (rst) begin
      offset <= 64'd0; alarm_next <= 64'd0; alarm_tick <= DISARMED; time_high <= 32'd0;
      irq_pending <= 1'b0; irq_enabled <= 1'b0;
    end else begin
      // The armed alarm fires when mtime reaches alarm_tick (its time rounded up to a tick).
      if (mtime >= alarm_tick) begin
        alarm_tick <= DISARMED;
        irq_pending <= 1'b1;
      end
      if (sel && ok) begin
        now = now_ns(mtime, offset);
        if (!we) begin
          if (addr[5:2] == 4'd0) time_high <= now[63:32];
        end else begin
          unique case (addr[5:2])
            4'd0: offset <= offset + ({now[63:32], wdata} - now);
            4'd1: offset <= offset + ({wdata, now[31:0]} - now);
            4'd2: begin
              alarm = {alarm_next[63:32], wdata};
              alarm_next[31:0] <= wdata;
              if (alarm <= now) begin
                alarm_tick <= DISARMED;
                irq_pending <= 1'b1;
              end else begin
                // QEMU arms its timer at alarm - tick_offset on its clock, so later writes to
                // TIME do not move an armed alarm; the same holds here.
                rel = alarm - offset;
                alarm_tick <= rel / 64'(NS_PER_TICK) + 64'(rel % 64'(NS_PER_TICK) != 64'd0);
              end
            end
            4'd3: alarm_next[63:32] <= wdata;
            4'd4: irq_enabled <= wdata[0];
            4'd5: alarm_tick <= DISARMED;
            4'd7: irq_pending <= 1'b0;
            default: ;
          endcase
        end
      end
    end
  end
endmodule

module finisher (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [31:0] wdata
);
  import "DPI-C" function void dpi_finish(input int unsigned value);
  always_ff @(posedge clk) begin
    if (!rst && sel && we) dpi_finish(wdata);
  end
endmodule
