// The Betrusted (Precursor) SoC's devices as the simulator models them: LiteX's timer (TIMER0),
// Xous's TICKTIMER, LiteX's UART (kernel and console), the GPIO page's UARTSEL, the KEYBOARD
// (no key ever pressed; characters injected by the harness), and the two sim-only pages
// SIMTIME and SIMEXIT. Register offsets are those of xous-core's
// utralib/precursor/soc-pvt.svd; every register is a 32-bit word and each device answers its
// whole 4 KiB page (offsets without a register read 0 and ignore writes, as LiteX's CSR bus
// does). Reads are combinational on the request; betrusted_bus registers them. A device's
// interrupt line is its EV_PENDING & EV_ENABLE, a level.

// TIMER0 (LiteX Timer, no VALUE register in this gateware): LOAD +0x00, RELOAD +0x04, EN +0x08,
// EV_STATUS +0x0C (bit 0: the value is zero), EV_PENDING +0x10 (write 1 clears), EV_ENABLE
// +0x14. While EN=0 the value follows LOAD; while EN=1 it reloads from RELOAD when zero and
// otherwise counts down, once per tick of TIMER_HZ. The device counts in its 12 MHz always-on
// domain; the model derives those ticks from the core clock with a fractional prescaler (12 of
// every 100 cycles tick, evenly spread). The event fires on the value becoming zero. At reset the
// value is already zero and no event is recorded (LiteX's edge detector might record one just
// after reset on the device; software clears EV_PENDING before enabling the event either way).
module litex_timer #(
  parameter int CLK_HZ = 100_000_000,
  parameter int TIMER_HZ = 12_000_000
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  output logic        irq
);
  logic [31:0] load, reload, value, acc;
  logic        en, pending, enable, was_zero;
  wire zero = value == 32'd0;
  wire tick = acc >= 32'(CLK_HZ - TIMER_HZ);
  always_comb begin
    unique case (addr)
      12'h000: rdata = load;
      12'h004: rdata = reload;
      12'h008: rdata = {31'd0, en};
      12'h00C: rdata = {31'd0, zero};
      12'h010: rdata = {31'd0, pending};
      12'h014: rdata = {31'd0, enable};
      default: rdata = 32'd0;
    endcase
  end
  always_ff @(posedge clk) begin
    if (rst) begin
      load <= 32'd0; reload <= 32'd0; value <= 32'd0; acc <= 32'd0;
      en <= 1'b0; pending <= 1'b0; enable <= 1'b0; was_zero <= 1'b1;
    end else begin
      acc <= tick ? acc - 32'(CLK_HZ - TIMER_HZ) : acc + 32'(TIMER_HZ);
      if (!en) value <= load;
      else if (tick) value <= zero ? reload : value - 32'd1;
      was_zero <= zero;
      if (sel && we) begin
        unique case (addr)
          12'h000: load <= wdata;
          12'h004: reload <= wdata;
          12'h008: en <= wdata[0];
          12'h010: pending <= pending & ~wdata[0];
          12'h014: enable <= wdata[0];
          default: ;
        endcase
      end
      // A new event wins over a clear in the same cycle.
      if (zero && !was_zero) pending <= 1'b1;
    end
  end
  assign irq = pending && enable;
endmodule

// TICKTIMER (Xous): CONTROL +0x00 (bit 0: write 1 resets the time to 0), TIME1 +0x04 (high
// half), TIME0 +0x08 (low half; the halves are read separately, no latch: read high, low, high),
// MSLEEP_TARGET1 +0x0C, MSLEEP_TARGET0 +0x10, EV_STATUS +0x14, EV_PENDING +0x18, EV_ENABLE +0x1C.
// A 64-bit count of milliseconds, +1 every TICK_CYCLES core cycles (100,000 at 100 MHz). The
// alarm is a level event: EV_STATUS and EV_PENDING both read target <= time, and writing
// EV_PENDING does not clear it while the level holds (software moves the target instead).
module ticktimer #(
  parameter int TICK_CYCLES = 100_000
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  output logic        irq
);
  logic [63:0] time_ms, target;
  logic [31:0] div;
  logic        enable;
  wire alarm = target <= time_ms;
  always_comb begin
    unique case (addr)
      12'h004: rdata = time_ms[63:32];
      12'h008: rdata = time_ms[31:0];
      12'h00C: rdata = target[63:32];
      12'h010: rdata = target[31:0];
      12'h014, 12'h018: rdata = {31'd0, alarm};
      12'h01C: rdata = {31'd0, enable};
      default: rdata = 32'd0;
    endcase
  end
  always_ff @(posedge clk) begin
    if (rst) begin
      time_ms <= 64'd0; target <= 64'd0; div <= 32'd0; enable <= 1'b0;
    end else begin
      if (div == 32'(TICK_CYCLES - 1)) begin
        div <= 32'd0;
        time_ms <= time_ms + 64'd1;
      end else div <= div + 32'd1;
      if (sel && we) begin
        unique case (addr)
          12'h000: if (wdata[0]) begin time_ms <= 64'd0; div <= 32'd0; end
          12'h00C: target[63:32] <= wdata;
          12'h010: target[31:0] <= wdata;
          12'h01C: enable <= wdata[0];
          default: ;
        endcase
      end
    end
  end
  assign irq = alarm && enable;
endmodule

// LiteX UART, transmit side: RXTX +0x00 (a write queues bits 7:0), TXFULL +0x04, RXEMPTY +0x08,
// EV_STATUS +0x0C, EV_PENDING +0x10 (write 1 clears), EV_ENABLE +0x14, TXEMPTY +0x18, RXFULL
// +0x1C; event bit 0 = tx, bit 1 = rx. A 16-deep TX FIFO feeds the PHY, which takes a byte
// whenever it is idle and is then busy for BYTE_CYCLES cycles (the device's 115200 baud would be
// 8,680 cycles a byte; the model's default is far faster, see README). A write while the FIFO is
// full is dropped, as on LiteX. The tx event fires when the FIFO goes from full to not full;
// EV_STATUS bit 0 reads "not full" (LiteX's current trigger; older LiteX reported TXFULL there).
// Nothing is ever received: RXEMPTY reads 1, RXFULL 0, the rx event never fires.
//
// A byte leaving the FIFO goes to the harness's console if this UART is the one UARTSEL routes to
// the pins at that moment, and is otherwise counted as dropped (the debug hat sees one UART).
module litex_uart #(
  parameter int BYTE_CYCLES = 64,
  parameter int ID = 0               // for the harness's count of dropped bytes
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  input  logic        selected,      // UARTSEL routes this UART to the pins
  output logic        irq,
  output logic        idle           // nothing queued or being sent
);
  import "DPI-C" function void dpi_uart_putc(input byte unsigned c);
  import "DPI-C" function void dpi_uart_drop(input int unsigned uart);
  logic [15:0][7:0] fifo;
  logic [3:0]  head;
  logic [4:0]  count;
  logic [15:0] phy;                  // cycles the PHY stays busy with its byte
  logic        pending, was_full;
  logic [1:0]  enable;
  wire full = count == 5'd16;
  wire push = sel && we && addr == 12'h000 && !full;
  wire pop = count != 5'd0 && phy == 16'd0;
  always_comb begin
    unique case (addr)
      12'h004: rdata = {31'd0, full};
      12'h008: rdata = 32'd1;
      12'h00C: rdata = {31'd0, !full};
      12'h010: rdata = {31'd0, pending};
      12'h014: rdata = {30'd0, enable};
      12'h018: rdata = {31'd0, count == 5'd0};
      default: rdata = 32'd0;
    endcase
  end
  always_ff @(posedge clk) begin
    if (rst) begin
      head <= 4'd0; count <= 5'd0; phy <= 16'd0; pending <= 1'b0; was_full <= 1'b0;
      enable <= 2'd0;
    end else begin
      if (pop) begin
        if (selected) dpi_uart_putc(fifo[head]);
        else dpi_uart_drop(32'(ID));
        head <= head + 4'd1;
        phy <= 16'(BYTE_CYCLES - 1);
      end else if (phy != 16'd0) phy <= phy - 16'd1;
      if (push) fifo[head + count[3:0]] <= wdata[7:0];
      count <= count + 5'(push) - 5'(pop);
      was_full <= full;
      if (sel && we && addr == 12'h010) pending <= pending & ~wdata[0];
      if (sel && we && addr == 12'h014) enable <= wdata[1:0];
      if (was_full && !full) pending <= 1'b1;
    end
  end
  assign irq = pending && enable[0];
  assign idle = count == 5'd0 && phy == 16'd0;
endmodule

// KEYBOARD (0xF001_7000, interrupt line 13), the register layout of xous-core's
// utralib/src/generated/precursor_pvt.rs `mod keyboard` (commit 73c0946, 2026-02; the same as
// utralib/precursor/soc-pvt.svd's peripheral KEYBOARD; KEYBOARD_IRQ = 13), used as the driver
// services/keyboard/src/main.rs does:
//   +0x00 UART_CHAR   bits 7:0 char (the injected character), bit 8 stb ("FIFO has readable
//                     characters"); read-only
//   +0x04 .. +0x24    ROW0DAT .. ROW8DAT, bits 9:0 each: the columns pressed in that row
//   +0x28 EV_STATUS   bit 0 keypressed, bit 1 inject
//   +0x2C EV_PENDING  the same bits; write 1 to clear
//   +0x30 EV_ENABLE   the same bits
// The line is |(EV_PENDING & EV_ENABLE), a level. No key is ever pressed: the rows read 0 and the
// keypressed event never fires. The harness's --rx bytes are the injected characters, one at a
// time: a byte is taken (rx_valid && rx_ready at a rising edge) only while no character is held
// and the inject event is not pending, i.e. after the guest has read the previous one and
// cleared the event, as the Xous driver's handler does (it reads UART_CHAR until stb reads 0,
// then writes back the EV_PENDING it read). Taking a byte holds it (stb = 1) and sets the inject
// event pending; a read of UART_CHAR returns it and pops it (stb = 0 from then on; the char
// field keeps the last character). That a read pops is inferred from the driver's loop, which
// only ends if reading consumes, and the field's description (the gateware's source is not in
// xous-core). EV_STATUS.inject reads stb (a character is held); EV_STATUS.keypressed reads 0.
// Offsets past +0x30 read 0 and ignore writes, as the other CSR pages; the KEYINJECT page
// (0xF001_8000), through which the EC injects characters on a device, is not modelled.
module bt_keyboard (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  output logic        irq,
  input  logic        rx_valid,      // the harness offers rx_data as the next injected character
  input  logic [7:0]  rx_data,
  output logic        rx_ready       // it would be taken at this rising edge
);
  logic [7:0] char_q;
  logic       held;
  logic [1:0] pending, enable;       // bit 0 keypressed (never set), bit 1 inject
  assign rx_ready = !held && !pending[1];
  always_comb begin
    unique case (addr)
      12'h000: rdata = {23'd0, held, char_q};
      12'h028: rdata = {30'd0, held, 1'b0};
      12'h02C: rdata = {30'd0, pending};
      12'h030: rdata = {30'd0, enable};
      default: rdata = 32'd0;        // ROW0DAT .. ROW8DAT: no key pressed
    endcase
  end
  // All under an access or an offered character: an idle keyboard costs one test per cycle, and
  // rx_valid is only sampled at the edge (no logic of the model's inputs between edges).
  always_ff @(posedge clk) begin
    if (rst) begin
      char_q <= 8'd0; held <= 1'b0; pending <= 2'd0; enable <= 2'd0;
    end else if (sel || rx_valid) begin
      if (sel && !we && addr == 12'h000) held <= 1'b0;
      if (sel && we && addr == 12'h02C) pending <= pending & ~wdata[1:0];
      if (sel && we && addr == 12'h030) enable <= wdata[1:0];
      // Taking a character needs none held and the inject event clear: no conflict with the
      // lines above.
      if (rx_valid && rx_ready) begin
        char_q <= rx_data;
        held <= 1'b1;
        pending[1] <= 1'b1;
      end
    end
  end
  assign irq = (pending & enable) != 2'd0;
endmodule

// GPIO page: only UARTSEL (+0x14, 2 bits, reset 0 = kernel UART; 1 console, 2 app UART, which
// the model does not have) is modelled; the other GPIO registers read 0 and ignore writes.
module bt_gpio (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata,
  output logic [1:0]  uartsel
);
  assign rdata = addr == 12'h014 ? {30'd0, uartsel} : 32'd0;
  always_ff @(posedge clk) begin
    if (rst) uartsel <= 2'd0;
    else if (sel && we && addr == 12'h014) uartsel <= wdata[1:0];
  end
endmodule

// SIMEXIT (sim only, at a CSR page the device leaves unused): a write to +0x00 ends the run with
// that value as the exit status (0 = pass); +0x08 reads ID = "SIMX" (0x53494D58).
module simexit (
  input  logic        clk,
  input  logic        rst,
  input  logic        sel,
  input  logic        we,
  input  logic [11:0] addr,
  input  logic [31:0] wdata,
  output logic [31:0] rdata
);
  import "DPI-C" function void dpi_simexit(input int unsigned value);
  assign rdata = addr == 12'h008 ? 32'h5349_4D58 : 32'd0;
  always_ff @(posedge clk) begin
    if (!rst && sel && we && addr == 12'h000) dpi_simexit(wdata);
  end
endmodule
