// The Betrusted (Precursor) SoC's bus, behind the core's memory system when courier_soc is built
// with SOC=1. Its map (physical; xous-core utralib/precursor/soc-pvt.svd):
//   0x8000_0000  boot ROM, 64 KiB: a stub that jumps to the loader slot, 0x2050_1000 (M-mode)
//   0x2000_0000  SPI flash, 128 MiB window, read-only (a store is a bus error), in the harness
//   0x4000_0000  SRAM, RAM_BYTES (16 MiB), in the harness
//   0xF000_1000  TIMER0 (line 0)        0xF000_3000  GPIO (UARTSEL)
//   0xF000_5000  kernel UART (line 2)   0xF000_7000  console UART (line 3)
//   0xF001_2000  TICKTIMER (line 8)     0xF001_7000  KEYBOARD (line 13; injected chars: --rx)
//   0xF003_E000  SIMTIME (sim only; the same at 0xF003_A000 .. 0xF003_D000)
//   0xF003_F000  SIMEXIT (sim only)
// Anything else answers with a bus error, which the core turns into an access fault.
//
// Timing (estimates, see README): the bus carries one request at a time. SRAM reads take SRAM_LAT
// cycles per word, line-fill continuations SRAM_BURST_LAT (asynchronous SRAM has no burst mode);
// flash reads FLASH_LAT to the first word of a fill and FLASH_BURST_LAT per further word (XIP
// octal SPI); ROM reads ROM_LAT; device reads IO_LAT. Writes go through a one-entry write buffer:
// a write is accepted as soon as the buffer is free (answered the cycle after) and then keeps the
// bus busy for SRAM_WR_LAT (SRAM) or IO_LAT (devices) cycles, which the next request waits out.
module betrusted_bus #(
  parameter int RAM_BYTES = 16 * 1024 * 1024,
  parameter int SRAM_LAT = 8,
  parameter int SRAM_BURST_LAT = 8,
  parameter int SRAM_WR_LAT = 8,
  parameter int FLASH_LAT = 28,
  parameter int FLASH_BURST_LAT = 2,
  parameter int ROM_LAT = 2,
  parameter int IO_LAT = 3,
  parameter int CLK_HZ = 100_000_000,
  parameter int TIMER0_HZ = 12_000_000,
  parameter int TICK_CYCLES = 100_000,
  parameter int UART_BYTE_CYCLES = 64
)(
  input  logic        clk,
  input  logic        rst,
  input  logic        req,
  input  logic        burst,
  input  logic        we,
  input  logic [31:0] addr,
  input  logic [31:0] wdata,
  input  logic [3:0]  wstrb,
  output logic        ack,
  output logic        err,
  output logic [31:0] rdata,
  output logic [31:0] irq_lines,
  output logic        io_idle,     // both UARTs have sent everything they hold
  input  logic        rx_valid,    // the harness's next injected character (KEYBOARD)
  input  logic [7:0]  rx_data,
  output logic        rx_ready
);
  import "DPI-C" function int unsigned dpi_ram_read(input int unsigned word_index);
  import "DPI-C" function void dpi_ram_write(input int unsigned word_index, input int unsigned data,
                                             input byte unsigned strb);
  import "DPI-C" function int unsigned dpi_flash_read(input int unsigned word_index);

  wire sel_rom   = addr[31:16] == 16'h8000;
  wire sel_flash = addr[31:27] == 5'b00100;
  wire sel_sram  = addr[31:28] == 4'h4 && addr[27:0] < 28'(RAM_BYTES);
  wire sel_timer = addr[31:12] == 20'hF0001;
  wire sel_gpio  = addr[31:12] == 20'hF0003;
  wire sel_kuart = addr[31:12] == 20'hF0005;
  wire sel_cuart = addr[31:12] == 20'hF0007;
  wire sel_tick  = addr[31:12] == 20'hF0012;
  wire sel_kbd   = addr[31:12] == 20'hF0017;
  // SIMTIME at 0xF003_E000 and the same registers at 0xF003_A000 .. 0xF003_D000, so that up to
  // five processes can each map a page of it (map_physical gives a page to one process).
  wire sel_stime = addr[31:12] >= 20'hF003A && addr[31:12] <= 20'hF003E;
  wire sel_sexit = addr[31:12] == 20'hF003F;
  wire sel_dev = sel_timer || sel_gpio || sel_kuart || sel_cuart || sel_tick || sel_kbd
              || sel_stime || sel_sexit;
  // ROM, flash and SIMTIME are read-only: a store there is a bus error.
  wire ok = we ? (sel_sram || (sel_dev && !sel_stime))
               : (sel_rom || sel_flash || sel_sram || sel_dev);

  // The boot ROM stub (the device's ROM checks the loader's signature first; not modelled):
  //   li a0, 0 ; lui t0, 0x20501 ; jr t0
  function automatic logic [31:0] rom_word(input logic [13:0] index);
    unique case (index)
      14'd0: return 32'h0000_0513;
      14'd1: return 32'h2050_12B7;
      14'd2: return 32'h0002_8067;
      default: return 32'h0000_0000;
    endcase
  endfunction

  logic [31:0] timer_rdata, gpio_rdata, kuart_rdata, cuart_rdata, tick_rdata, kbd_rdata;
  logic [31:0] sexit_rdata;
  logic        timer_irq, kuart_irq, cuart_irq, tick_irq, kbd_irq, kuart_idle, cuart_idle;
  logic [1:0]  uartsel;
  logic [63:0] cycle;                // SIMTIME: core cycles since reset

  litex_timer #(.CLK_HZ(CLK_HZ), .TIMER_HZ(TIMER0_HZ)) u_timer0 (
    .clk, .rst, .sel(req && sel_timer), .we, .addr(addr[11:0]), .wdata, .rdata(timer_rdata),
    .irq(timer_irq)
  );
  bt_gpio u_gpio (
    .clk, .rst, .sel(req && sel_gpio), .we, .addr(addr[11:0]), .wdata, .rdata(gpio_rdata),
    .uartsel
  );
  litex_uart #(.BYTE_CYCLES(UART_BYTE_CYCLES), .ID(0)) u_kuart (
    .clk, .rst, .sel(req && sel_kuart), .we, .addr(addr[11:0]), .wdata, .rdata(kuart_rdata),
    .selected(uartsel == 2'd0), .irq(kuart_irq), .idle(kuart_idle)
  );
  litex_uart #(.BYTE_CYCLES(UART_BYTE_CYCLES), .ID(1)) u_cuart (
    .clk, .rst, .sel(req && sel_cuart), .we, .addr(addr[11:0]), .wdata, .rdata(cuart_rdata),
    .selected(uartsel == 2'd1), .irq(cuart_irq), .idle(cuart_idle)
  );
  ticktimer #(.TICK_CYCLES(TICK_CYCLES)) u_tick (
    .clk, .rst, .sel(req && sel_tick), .we, .addr(addr[11:0]), .wdata, .rdata(tick_rdata),
    .irq(tick_irq)
  );
  bt_keyboard u_kbd (
    .clk, .rst, .sel(req && sel_kbd), .we, .addr(addr[11:0]), .wdata, .rdata(kbd_rdata),
    .irq(kbd_irq), .rx_valid, .rx_data, .rx_ready
  );
  simexit u_sexit (
    .clk, .rst, .sel(req && sel_sexit), .we, .addr(addr[11:0]), .wdata, .rdata(sexit_rdata)
  );
  assign irq_lines = {18'd0, kbd_irq, 4'd0, tick_irq, 4'd0, cuart_irq, kuart_irq, 1'b0,
                       timer_irq};
  assign io_idle = kuart_idle && cuart_idle;

  function automatic logic [31:0] simtime_word(input logic [11:0] a, input logic [63:0] c);
    unique case (a)
      12'h000: return c[31:0];
      12'h004: return c[63:32];
      12'h008: return 32'h5349_4D54;   // "SIMT"
      default: return 32'd0;
    endcase
  endfunction

  // Response pipeline: `left` counts down the access in flight; `wbusy` the write buffer's work.
  logic [15:0] left, wbusy;
  logic        pend_err;
  logic [31:0] pend_data;
  always_ff @(posedge clk) begin
    if (rst) begin
      left <= 16'd0;
      wbusy <= 16'd0;
      cycle <= 64'd0;
    end else begin
      cycle <= cycle + 64'd1;
      if (req) begin
        pend_err <= !ok;
        if (we) begin
          left <= wbusy + 16'd1;
          if (ok) wbusy <= wbusy + 16'(sel_sram ? SRAM_WR_LAT : IO_LAT) - 16'd1;
          else if (wbusy != 16'd0) wbusy <= wbusy - 16'd1;
          if (sel_sram) dpi_ram_write(32'(addr[27:2]), wdata, {4'd0, wstrb});
        end else begin
          left <= wbusy + 16'(sel_sram ? (burst ? SRAM_BURST_LAT : SRAM_LAT)
                            : sel_flash ? (burst ? FLASH_BURST_LAT : FLASH_LAT)
                            : sel_rom ? ROM_LAT : sel_dev ? IO_LAT : 1);
          wbusy <= 16'd0;
          if (sel_sram) pend_data <= dpi_ram_read(32'(addr[27:2]));
          else if (sel_flash) pend_data <= dpi_flash_read(32'(addr[26:2]));
          else if (sel_rom) pend_data <= rom_word(addr[15:2]);
          else if (sel_timer) pend_data <= timer_rdata;
          else if (sel_gpio) pend_data <= gpio_rdata;
          else if (sel_kuart) pend_data <= kuart_rdata;
          else if (sel_cuart) pend_data <= cuart_rdata;
          else if (sel_tick) pend_data <= tick_rdata;
          else if (sel_kbd) pend_data <= kbd_rdata;
          else if (sel_stime) pend_data <= simtime_word(addr[11:0], cycle);
          else if (sel_sexit) pend_data <= sexit_rdata;
          else pend_data <= 32'd0;
        end
      end else begin
        if (left != 16'd0) left <= left - 16'd1;
        if (wbusy != 16'd0) wbusy <= wbusy - 16'd1;
      end
    end
  end
  assign ack = left == 16'd1;
  assign err = pend_err;
  assign rdata = pend_data;

endmodule
