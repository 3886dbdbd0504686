// The SoC around Courier's core, in one of two maps chosen at model build by SOC:
//
// SOC=0 (virt, default): QEMU virt's memory map, so one image runs on both:
//   0x0010_0000 test finisher   0x0010_1000 Goldfish RTC   0x0200_0000 CLINT
//   0x0C00_0000 PLIC            0x1000_0000 16550 UART     0x8000_0000 RAM (RAM_BYTES)
// PLIC sources: 10 = UART, 11 = RTC (as QEMU virt's UART0_IRQ and RTC_IRQ). The UART's
// receive FIFO is fed by the harness through rx_valid/rx_data/rx_ready (--rx).
// RAM contents live in the harness (DPI), which loads the ELF and watches `tohost`. The bus
// carries one request at a time: RAM reads take MEM_LAT cycles (burst continuations one),
// writes (posted) and devices one. Unmapped addresses answer with an error, which the core
// turns into an access fault, as QEMU does.
//
// SOC=1 (betrusted): the Precursor's map and devices (betrusted_bus.sv), reset at the boot ROM
// 0x8000_0000, RAM_BYTES of SRAM at 0x4000_0000, and the core as Betrusted's VexRiscv has it: the
// external interrupt array in custom CSRs, no counters, misa or PMP, satp without ASID (with
// TLB_ASID=0, the Precursor's default: the TLBs are flushed on a satp write; TLB_ASID=1 gives
// this SoC ASID-tagged TLBs and a satp that keeps its ASID, as a research knob), a walker that does not set
// A/D (they fault instead, as VexRiscv's MmuPlugin). No CLINT, PLIC or finisher.
// CMake passes the Precursor's cache and TLB sizes with SOC=1 (sim/CMakeLists.txt).
module courier_soc
#(
  parameter int RAM_BYTES = 8 * 1024 * 1024,
  parameter bit PIPELINE = 1'b1,      // 1: five-stage core5; 0: the two-stage core
  parameter int MEM_LAT = 5,          // cycles to the first word of a RAM read
  parameter bit CACHES = 1'b1,
  parameter int ICACHE_BYTES = 4096,
  parameter int ICACHE_WAYS = 2,
  parameter int DCACHE_BYTES = 4096,
  parameter int DCACHE_WAYS = 2,
  parameter int CACHE_LINE = 32,
  parameter bit ICACHE_COHERENT = 1'b0,
  parameter int TIME_DIV = 10,
  parameter int TLB_ENTRIES = 4,
  parameter bit TLB_ASID = 1'b1,
  parameter bit SFENCE_VA = 1'b0,     // 1: sfence.vma drops only what its operands name (mmu.sv)
  parameter int MUL_LAT = 2,
  parameter int DIV_LAT = 34,
  parameter int SOC = 0,              // 0: virt; 1: betrusted (parameters below)
  parameter int RVC = 0,              // 1: the C extension (CMake turns it on for betrusted)
  // betrusted only (estimates, see README): latencies in core cycles at 100 MHz
  parameter int SRAM_LAT = 8,         // a word from the 70 ns asynchronous SRAM
  parameter int SRAM_BURST_LAT = 8,   // each further word of a line fill (no burst mode)
  parameter int SRAM_WR_LAT = 8,      // an SRAM write, behind a one-entry write buffer
  parameter int FLASH_LAT = 28,       // first word of an XIP flash read
  parameter int FLASH_BURST_LAT = 2,  // each further word of a flash line fill
  parameter int ROM_LAT = 2,
  parameter int IO_LAT = 3,           // a CSR (device) access through the bus bridge
  parameter int TIMER0_HZ = 12_000_000,
  parameter int TICK_CYCLES = 100_000,  // TICKTIMER: core cycles per millisecond
  parameter int UART_BYTE_CYCLES = 64   // LiteX UART: cycles per byte sent (not 115200 baud)
)(
  input  logic        clk,
  input  logic        rst,
  input  logic [31:0] reset_pc,   // the ELF entry point, as QEMU's reset ROM jumps to it
  // The harness answered a tohost request by writing RAM behind the write-through data cache:
  // forget its lines at this edge, as a coherent host's write would make them stale.
  input  logic        dflush,
  output logic [63:0] instret,
  output logic [31:0] ram_bytes,  // so the harness sizes its RAM image from the build
  output logic [7:0]  soc_id,     // SOC, so the harness can check it was built for this model
  output logic        io_idle,    // no console output still queued in a device (betrusted)
  output logic        rvc,        // RVC, so the harness can refuse C images on a core without C
  output logic [63:0] icache_fills,  // I- and D-cache line fills (misses) since reset
  output logic [63:0] dcache_fills,
  output logic [1:0]  priv,       // the core's privilege mode (0 U, 1 S, 3 M): cycles per mode
  output logic        wfi,        // the core waits in wfi: idle cycles, counted apart
  // Received bytes from the harness (--rx): offered in rx_data while rx_valid, taken at the
  // rising edge where rx_valid && rx_ready (virt: the 16550's receive FIFO has room; betrusted:
  // the KEYBOARD holds no injected character and its inject event is clear).
  input  logic        rx_valid,
  input  logic [7:0]  rx_data,
  output logic        rx_ready
);
  assign rvc = RVC != 0;
  assign ram_bytes = 32'(RAM_BYTES);
  assign soc_id = 8'(SOC);
  localparam bit BT = SOC == 1;

  import "DPI-C" function int unsigned dpi_ram_read(input int unsigned word_index);
  import "DPI-C" function void dpi_ram_write(input int unsigned word_index, input int unsigned data,
                                             input byte unsigned strb);

  logic        c_req, c_ifetch, c_we, c_ack, c_err, ifence;
  logic [31:0] c_addr, c_wdata, c_rdata;
  logic [3:0]  c_wstrb;
  logic        req, burst, we, ack, err;
  logic [31:0] addr, wdata, rdata;
  logic [3:0]  wstrb;
  logic        mtip, msip, meip, seip;
  logic [31:0] irq_lines;
  logic [63:0] mtime;
  wire [31:0]  core_reset_pc = BT ? 32'h8000_0000 : reset_pc;  // betrusted: the boot ROM

  logic        i_lookup, i_hit, i_refill, c_ready;
  logic [31:0] i_addr, i_data;
  if (PIPELINE) begin : g_core
    assign c_ifetch = 1'b0;
    core5 #(.TLB_ENTRIES(TLB_ENTRIES), .TLB_ASID(TLB_ASID), .MUL_LAT(MUL_LAT), .DIV_LAT(DIV_LAT),
            .RAM_BYTES(RAM_BYTES), .SOC(SOC), .IRQ_ARRAY(BT), .COUNTERS(!BT), .TRIGGERS(!BT),
            .SATP_ASID(!BT || TLB_ASID), .HW_AD(!BT), .RVC(RVC != 0), .SFENCE_VA(SFENCE_VA)) u_core (
      .clk, .rst, .reset_pc(core_reset_pc), .d_req(c_req), .d_we(c_we), .d_addr(c_addr),
      .d_wdata(c_wdata),
      .d_wstrb(c_wstrb), .d_ready(c_ready), .d_ack(c_ack), .d_err(c_err), .d_rdata(c_rdata),
      .i_lookup, .i_addr, .i_hit, .i_data, .i_refill, .ifence,
      .irq_mtip(mtip), .irq_msip(msip), .irq_meip(meip), .irq_seip(seip), .irq_lines, .mtime,
      .instret_o(instret), .priv_o(priv), .wfi_o(wfi)
    );
  end else begin : g_core
    // The two-stage core has no C extension: a C core is the five-stage one.
    if (RVC != 0) begin : g_no_rvc
      $fatal(1, "RVC=1 needs PIPELINE=1: the two-stage core (core2) has no C extension");
    end
    assign i_lookup = 1'b0;
    assign i_addr = 32'd0;
    assign i_refill = 1'b0;
    core2 #(.TLB_ENTRIES(TLB_ENTRIES), .TLB_ASID(TLB_ASID), .MUL_LAT(MUL_LAT), .DIV_LAT(DIV_LAT),
            .IRQ_ARRAY(BT), .COUNTERS(!BT), .TRIGGERS(!BT), .SATP_ASID(!BT || TLB_ASID), .HW_AD(!BT),
            .SFENCE_VA(SFENCE_VA)) u_core (
      .clk, .rst, .reset_pc(core_reset_pc), .bus_req(c_req), .bus_ifetch(c_ifetch), .ifence,
      .bus_we(c_we),
      .bus_addr(c_addr), .bus_wdata(c_wdata), .bus_wstrb(c_wstrb), .bus_ack(c_ack),
      .bus_err(c_err), .bus_rdata(c_rdata),
      .irq_mtip(mtip), .irq_msip(msip), .irq_meip(meip), .irq_seip(seip), .irq_lines, .mtime,
      .instret_o(instret), .priv_o(priv), .wfi_o(wfi)
    );
  end

  memsys #(.RAM_BYTES(RAM_BYTES), .ICACHE_BYTES(ICACHE_BYTES), .ICACHE_WAYS(ICACHE_WAYS),
           .DCACHE_BYTES(DCACHE_BYTES), .DCACHE_WAYS(DCACHE_WAYS), .LINE(CACHE_LINE),
           .CACHES(CACHES || PIPELINE), .ICACHE_COHERENT(ICACHE_COHERENT), .SPLIT(PIPELINE),
           .SOC(SOC)) u_mem (
    .clk, .rst, .ifence, .dflush, .ifills(icache_fills), .dfills(dcache_fills), .c_req, .c_ifetch, .c_we, .c_addr, .c_wdata, .c_wstrb, .c_ack, .c_err,
    .c_rdata, .c_ready, .i_lookup, .i_addr, .i_hit, .i_data, .i_refill, .b_req(req), .b_burst(burst), .b_we(we), .b_addr(addr), .b_wdata(wdata),
    .b_wstrb(wstrb), .b_ack(ack), .b_err(err), .b_rdata(rdata)
  );

  if (!BT) begin : g_virt
    assign irq_lines = 32'd0;
    assign io_idle = 1'b1;

    wire sel_ram   = addr >= 32'h8000_0000 && addr - 32'h8000_0000 < 32'(RAM_BYTES);
    wire sel_clint = addr[31:16] == 16'h0200;
    wire sel_plic  = addr[31:26] == 6'b000011;  // 0x0C00_0000 .. 0x0FFF_FFFF
    wire sel_uart  = addr[31:8] == 24'h10_0000;
    wire sel_fin   = addr[31:12] == 20'h00100;
    wire sel_rtc   = addr[31:12] == 20'h00101;   // only its registers answer (rtc_ok)

    logic [31:0] clint_rdata, plic_rdata, uart_rdata, rtc_rdata;
    logic        uart_irq, rtc_irq, rtc_ok;

    clint #(.TIME_DIV(TIME_DIV)) u_clint (
      .clk, .rst, .sel(req && sel_clint), .we, .addr(addr[15:0]), .wdata, .rdata(clint_rdata),
      .mtip, .msip, .mtime
    );
    plic u_plic (
      .clk, .rst, .sel(req && sel_plic), .we, .addr(addr[25:0]), .wdata, .rdata(plic_rdata),
      .src({20'd0, rtc_irq, uart_irq, 10'd0}), .meip, .seip
    );
    goldfish_rtc u_rtc (
      .clk, .rst, .sel(req && sel_rtc), .we, .addr(addr[11:0]), .wdata, .wstrb, .mtime,
      .ok(rtc_ok), .rdata(rtc_rdata), .irq(rtc_irq)
    );
    uart u_uart (
      .clk, .rst, .sel(req && sel_uart), .we, .addr(addr[7:0]), .wdata, .wstrb,
      .rdata(uart_rdata), .irq(uart_irq), .rx_valid, .rx_data, .rx_ready
    );
    finisher u_fin (.clk, .rst, .sel(req && sel_fin), .we, .wdata);

    // Response pipeline: `left` counts down the access latency of the request in flight.
    logic [7:0] left;
    logic       pend_err;
    logic [31:0] pend_data;
    always_ff @(posedge clk) begin
      if (rst) begin
        left <= 8'd0;
      end else begin
        if (req) begin
          pend_err <= !(sel_ram || sel_clint || sel_plic || sel_uart || sel_fin
                        || (sel_rtc && rtc_ok));
          // Writes are posted (the write buffer hides them); burst words stream one per cycle.
          left <= (sel_ram && !we && !burst) ? 8'(MEM_LAT) : 8'd1;
          if (sel_ram) begin
            if (we) dpi_ram_write((addr - 32'h8000_0000) >> 2, wdata, {4'd0, wstrb});
            else pend_data <= dpi_ram_read((addr - 32'h8000_0000) >> 2);
          end else if (sel_clint) pend_data <= clint_rdata;
          else if (sel_plic) pend_data <= plic_rdata;
          else if (sel_uart) pend_data <= uart_rdata;
          else if (sel_rtc) pend_data <= rtc_rdata;
          else pend_data <= 32'd0;
        end else if (left != 8'd0) begin
          left <= left - 8'd1;
        end
      end
    end
    assign ack = left == 8'd1;
    assign err = pend_err;
    assign rdata = pend_data;
  end else begin : g_betrusted
    // No CLINT, PLIC or mtime: external interrupts reach the core only through its array.
    assign mtip = 1'b0;
    assign msip = 1'b0;
    assign meip = 1'b0;
    assign seip = 1'b0;
    assign mtime = 64'd0;
    betrusted_bus #(.RAM_BYTES(RAM_BYTES), .SRAM_LAT(SRAM_LAT), .SRAM_BURST_LAT(SRAM_BURST_LAT),
                    .SRAM_WR_LAT(SRAM_WR_LAT), .FLASH_LAT(FLASH_LAT),
                    .FLASH_BURST_LAT(FLASH_BURST_LAT), .ROM_LAT(ROM_LAT), .IO_LAT(IO_LAT),
                    .TIMER0_HZ(TIMER0_HZ), .TICK_CYCLES(TICK_CYCLES),
                    .UART_BYTE_CYCLES(UART_BYTE_CYCLES)) u_bus (
      .clk, .rst, .req, .burst, .we, .addr, .wdata, .wstrb, .ack, .err, .rdata, .irq_lines,
      .io_idle, .rx_valid, .rx_data, .rx_ready
    );
  end

endmodule
