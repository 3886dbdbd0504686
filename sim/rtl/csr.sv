// The machine and supervisor CSR file: privilege state, trap entry and return, delegation,
// interrupt selection and the counters. The core asks "may this CSR access happen" and "where
// does this trap go"; all privileged-spec rules about those answers live here.
//
// Two CSR sets, chosen by parameters (the SoC sets them; see soc.sv):
// - QEMU virt's (defaults): counters, misa, PMP registers read as zero, SEIP/MEIP/MTIP/MSIP
//   from the PLIC and CLINT, satp keeps its ASID field; the debug spec's trigger registers with
//   no trigger behind them (TRIGGERS=1: tselect, tdata1-3 read 0 and ignore writes, tinfo reads
//   1, "no trigger at this index"), which is what the debug spec allows a hart without
//   triggers and what suites probing for triggers (riscv-tests' breakpoint) expect.
// - VexRiscv as Betrusted configures it (IRQ_ARRAY=1, COUNTERS=0, SATP_ASID=0): the external
//   interrupt array in custom CSRs sim 0x9C0 (S mask, RW), sip 0xDC0 (mask & lines, RO), mim
//   0xBC0 and mip 0xFC0 (the same for M); mip.SEIP is the OR of sip's array (and the software
//   bit), mip.MEIP the OR of mip's; cycle/time/instret (+h), mcycle/minstret (+h),
//   mcounteren/scounteren, misa and the PMP registers do not exist (illegal instruction); the
//   satp ASID field reads 0 (the TLBs have no ASID tags; the core flushes them on a satp write);
//   TRIGGERS=0: the trigger registers do not exist either, as in the Precursor's VexRiscv
//   (its CsrPlugin has none; the debug bus is a separate plugin), so they trap.
// Counter writes (mcycle/minstret, either half) are done instead of the writing cycle's
// increment of that counter, with no carry into the other half (Zicsr).
module csr
  import courier_pkg::*;
#(
  parameter bit IRQ_ARRAY = 1'b0,
  parameter bit COUNTERS = 1'b1,
  parameter bit SATP_ASID = 1'b1,
  parameter bit TRIGGERS = 1'b1,      // trigger CSRs present, with no triggers (see above)
  parameter bit RVC = 1'b0            // C extension: misa.C, and xepc keeps bit 1 (IALIGN 16)
)(
  input  logic        clk,
  input  logic        rst,
  // A CSR instruction executing this cycle; the write commits unless csr_illegal.
  input  logic        csr_valid,
  input  logic [11:0] csr_addr,
  input  logic [1:0]  csr_op,      // 1 = write, 2 = set, 3 = clear
  input  logic [31:0] csr_src,
  input  logic        csr_write,   // false for csrrs/csrrc with x0 / zero immediate
  output logic [31:0] csr_rdata,
  output logic        csr_illegal,
  // Trap entry: target PC is combinational so the core can redirect in the same cycle.
  input  logic        trap_take,
  input  logic        trap_irq,
  input  logic [4:0]  trap_code,
  input  logic [31:0] trap_tval,
  input  logic [31:0] trap_epc,
  output logic [31:0] trap_pc,
  input  logic        mret,
  input  logic        sret,
  output logic [31:0] mepc_o,
  output logic [31:0] sepc_o,
  input  logic        retire,
  input  logic        irq_mtip,
  input  logic        irq_msip,
  input  logic        irq_meip,
  input  logic        irq_seip,
  input  logic [31:0] irq_lines,    // IRQ_ARRAY: the SoC's interrupt lines (levels)
  input  logic [63:0] mtime,
  output logic [1:0]  priv,
  output logic [31:0] mstatus_o,
  output logic [31:0] satp,
  output logic        irq_pending,  // an enabled interrupt should be taken now
  output logic [4:0]  irq_code,
  output logic        wfi_wake,     // some interrupt is pending and locally enabled
  output logic [63:0] instret_o
);

  logic [31:0] mstatus, medeleg, mideleg, mie, mtvec, mcounteren, mscratch, mepc, mcause, mtval;
  logic [31:0] stvec, scounteren, sscratch, sepc, scause, stval;
  logic [31:0] mip_sw;  // SSIP, STIP, SEIP as written by software
  logic [63:0] mcycle, minstret;
  logic [31:0] sim_mask, mim_mask;  // IRQ_ARRAY masks

  wire [31:0] sip_array = sim_mask & irq_lines;
  wire [31:0] mip_array = mim_mask & irq_lines;
  wire ext_seip = IRQ_ARRAY ? sip_array != 32'd0 : irq_seip;
  wire ext_meip = IRQ_ARRAY ? mip_array != 32'd0 : irq_meip;

  assign mstatus_o = mstatus;
  assign instret_o = minstret;

  wire [31:0] mip = (mip_sw & S_INTS) | (32'(ext_seip) << IRQ_SE) | (32'(irq_mtip) << IRQ_MT)
                  | (32'(irq_msip) << IRQ_MS) | (32'(ext_meip) << IRQ_ME);

  // ---- interrupt selection: M-level first, then S-level, fixed priority within each ----
  wire [31:0] pend = mip & mie;
  wire m_enabled = (priv != PRIV_M) || mstatus[MS_MIE];
  wire s_enabled = (priv == PRIV_U) || (priv == PRIV_S && mstatus[MS_SIE]);
  wire [31:0] m_pend = pend & ~mideleg & {32{m_enabled}};
  wire [31:0] s_pend = pend & mideleg & {32{s_enabled}};
  wire [31:0] sel = (m_pend != 0) ? m_pend : s_pend;
  assign irq_pending = sel != 0;
  assign wfi_wake = pend != 0;
  always_comb begin
    if (sel[IRQ_ME]) irq_code = 5'(IRQ_ME);
    else if (sel[IRQ_MS]) irq_code = 5'(IRQ_MS);
    else if (sel[IRQ_MT]) irq_code = 5'(IRQ_MT);
    else if (sel[IRQ_SE]) irq_code = 5'(IRQ_SE);
    else if (sel[IRQ_SS]) irq_code = 5'(IRQ_SS);
    else irq_code = 5'(IRQ_ST);
  end

  // ---- trap target ----
  wire trap_to_s = (priv != PRIV_M) && (trap_irq ? mideleg[trap_code] : medeleg[trap_code]);
  wire [31:0] tvec = trap_to_s ? stvec : mtvec;
  assign trap_pc = {tvec[31:2], 2'b00} + ((tvec[0] && trap_irq) ? {25'd0, trap_code, 2'b00} : 32'd0);
  assign mepc_o = mepc;
  assign sepc_o = sepc;

  // ---- CSR read and access checks ----
  wire [4:0] cnt_idx = csr_addr[4:0];
  logic known;
  always_comb begin
    known = 1'b1;
    csr_rdata = 32'd0;
    unique case (csr_addr)
      CSR_SSTATUS:    csr_rdata = mstatus & SSTATUS_MASK;
      CSR_SIE:        csr_rdata = mie & mideleg & S_INTS;
      CSR_STVEC:      csr_rdata = stvec;
      CSR_SCOUNTEREN: csr_rdata = scounteren;
      CSR_SSCRATCH:   csr_rdata = sscratch;
      CSR_SEPC:       csr_rdata = sepc;
      CSR_SCAUSE:     csr_rdata = scause;
      CSR_STVAL:      csr_rdata = stval;
      CSR_SIP:        csr_rdata = mip & mideleg & S_INTS;
      CSR_SATP:       csr_rdata = satp;
      CSR_MSTATUS:    csr_rdata = mstatus;
      CSR_MISA:       csr_rdata = MISA_VALUE | (RVC ? 32'h4 : 32'h0);
      CSR_MEDELEG:    csr_rdata = medeleg;
      CSR_MIDELEG:    csr_rdata = mideleg;
      CSR_MIE:        csr_rdata = mie;
      CSR_MTVEC:      csr_rdata = mtvec;
      CSR_MCOUNTEREN: csr_rdata = mcounteren;
      CSR_MSTATUSH:   csr_rdata = 32'd0;
      CSR_MSCRATCH:   csr_rdata = mscratch;
      CSR_MEPC:       csr_rdata = mepc;
      CSR_MCAUSE:     csr_rdata = mcause;
      CSR_MTVAL:      csr_rdata = mtval;
      CSR_MIP:        csr_rdata = mip;
      CSR_MCYCLE, CSR_CYCLE:       csr_rdata = mcycle[31:0];
      CSR_MCYCLEH, CSR_CYCLEH:     csr_rdata = mcycle[63:32];
      CSR_MINSTRET, CSR_INSTRET:   csr_rdata = minstret[31:0];
      CSR_MINSTRETH, CSR_INSTRETH: csr_rdata = minstret[63:32];
      CSR_TIME:       csr_rdata = mtime[31:0];
      CSR_TIMEH:      csr_rdata = mtime[63:32];
      CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID, CSR_MHARTID: csr_rdata = 32'd0;
      CSR_TSELECT, CSR_TDATA1, CSR_TDATA2, CSR_TDATA3: begin
        csr_rdata = 32'd0;
        known = TRIGGERS;
      end
      CSR_TINFO: begin
        csr_rdata = 32'd1;
        known = TRIGGERS;
      end
      default: begin
        // PMP registers are accepted and read as zero: this SoC has no PMP checker, and
        // every image we run opens all memory to S/U with entry 0 anyway. Without COUNTERS
        // (Betrusted's VexRiscv has no PMP) they are illegal.
        if (COUNTERS && (csr_addr[11:4] == 8'h3A || csr_addr[11:4] == 8'h3B
            || csr_addr[11:4] == 8'h3C || csr_addr[11:4] == 8'h3D || csr_addr[11:4] == 8'h3E))
          csr_rdata = 32'd0;
        else known = 1'b0;
      end
    endcase
    // Without COUNTERS the core has no counter CSRs, no misa and no PMP (the last is above).
    if (!COUNTERS && (csr_addr == CSR_MISA || csr_addr == CSR_MCOUNTEREN
                      || csr_addr == CSR_SCOUNTEREN || csr_addr == CSR_MCYCLE
                      || csr_addr == CSR_MCYCLEH || csr_addr == CSR_MINSTRET
                      || csr_addr == CSR_MINSTRETH || csr_addr == CSR_CYCLE
                      || csr_addr == CSR_CYCLEH || csr_addr == CSR_TIME || csr_addr == CSR_TIMEH
                      || csr_addr == CSR_INSTRET || csr_addr == CSR_INSTRETH))
      known = 1'b0;
    // The interrupt array's CSRs (decoded apart so the virt build has none of this logic).
    if (IRQ_ARRAY) begin
      if (csr_addr == CSR_SIM_MASK) begin known = 1'b1; csr_rdata = sim_mask; end
      if (csr_addr == CSR_SIP_ARRAY) begin known = 1'b1; csr_rdata = sip_array; end
      if (csr_addr == CSR_MIM_MASK) begin known = 1'b1; csr_rdata = mim_mask; end
      if (csr_addr == CSR_MIP_ARRAY) begin known = 1'b1; csr_rdata = mip_array; end
    end
  end

  logic counter_denied;
  always_comb begin
    counter_denied = 1'b0;
    if (csr_addr[11:8] == 4'hC && cnt_idx <= 5'd2) begin
      if (priv == PRIV_S) counter_denied = !mcounteren[cnt_idx];
      else if (priv == PRIV_U) counter_denied = !(mcounteren[cnt_idx] && scounteren[cnt_idx]);
    end
  end

  assign csr_illegal = !known || (priv < csr_addr[9:8]) || (csr_write && csr_addr[11:10] == 2'b11)
                     || counter_denied
                     || (csr_addr == CSR_SATP && priv == PRIV_S && mstatus[MS_TVM]);

  // The value a CSRRS/CSRRC modifies. For mip it holds only the software-writable bits: the
  // privileged spec has the read-modify-write ignore the external controller's SEIP (which a
  // read ORs in), or an M-mode `csrs mip, STIP` taken while the PLIC asserts SEIP would latch
  // SEIP in software and the hart would take S external interrupts forever.
  wire [31:0] rmw_base = csr_addr == CSR_MIP ? (mip_sw & S_INTS) : csr_rdata;
  logic [31:0] wval;
  always_comb begin
    unique case (csr_op)
      2'd2: wval = rmw_base | csr_src;
      2'd3: wval = rmw_base & ~csr_src;
      default: wval = csr_src;
    endcase
  end

  wire do_write = csr_valid && csr_write && !csr_illegal;

  // MPP is WARL: the reserved encoding 2 is not stored.
  function automatic logic [31:0] legal_mstatus(input logic [31:0] v);
    legal_mstatus = v;
    if (v[12:11] == 2'b10) legal_mstatus[12:11] = 2'b00;
  endfunction

  always_ff @(posedge clk) begin
    if (rst) begin
      priv <= PRIV_M;
      mstatus <= 32'd0;
      medeleg <= 32'd0; mideleg <= 32'd0; mie <= 32'd0; mip_sw <= 32'd0;
      mtvec <= 32'd0; stvec <= 32'd0;
      mcounteren <= 32'd0; scounteren <= 32'd0;
      mscratch <= 32'd0; sscratch <= 32'd0;
      mepc <= 32'd0; sepc <= 32'd0; mcause <= 32'd0; scause <= 32'd0;
      mtval <= 32'd0; stval <= 32'd0; satp <= 32'd0;
      mcycle <= 64'd0; minstret <= 64'd0;
      sim_mask <= 32'd0; mim_mask <= 32'd0;
    end else begin
      // A counter write replaces this cycle's increment of that counter (both halves).
      if (!(do_write && (csr_addr == CSR_MCYCLE || csr_addr == CSR_MCYCLEH)))
        mcycle <= mcycle + 64'd1;
      if (retire && !(do_write && (csr_addr == CSR_MINSTRET || csr_addr == CSR_MINSTRETH)))
        minstret <= minstret + 64'd1;
      if (do_write) begin
        unique case (csr_addr)
          CSR_SSTATUS:    mstatus <= (mstatus & ~SSTATUS_MASK) | (wval & SSTATUS_MASK);
          CSR_SIE:        mie <= (mie & ~(mideleg & S_INTS)) | (wval & mideleg & S_INTS);
          CSR_STVEC:      if (wval[1] == 1'b0) stvec <= wval;
          CSR_SCOUNTEREN: scounteren <= wval;
          CSR_SSCRATCH:   sscratch <= wval;
          CSR_SEPC:       sepc <= {wval[31:2], wval[1] && RVC, 1'b0};
          CSR_SCAUSE:     scause <= wval;
          CSR_STVAL:      stval <= wval;
          CSR_SIP:        mip_sw[IRQ_SS] <= mideleg[IRQ_SS] ? wval[IRQ_SS] : mip_sw[IRQ_SS];
          CSR_SATP:       satp <= SATP_ASID ? wval : (wval & 32'h803F_FFFF);
          CSR_MSTATUS:    mstatus <= legal_mstatus(wval & MSTATUS_WMASK);
          CSR_MEDELEG:    medeleg <= wval & MEDELEG_MASK;
          CSR_MIDELEG:    mideleg <= wval & S_INTS;
          CSR_MIE:        mie <= wval & ALL_INTS;
          CSR_MTVEC:      if (wval[1] == 1'b0) mtvec <= wval;
          CSR_MCOUNTEREN: mcounteren <= wval;
          CSR_MSCRATCH:   mscratch <= wval;
          CSR_MEPC:       mepc <= {wval[31:2], wval[1] && RVC, 1'b0};
          CSR_MCAUSE:     mcause <= wval;
          CSR_MTVAL:      mtval <= wval;
          CSR_MIP:        mip_sw <= wval & S_INTS;
          CSR_MCYCLE:     mcycle[31:0] <= wval;
          CSR_MCYCLEH:    mcycle[63:32] <= wval;
          CSR_MINSTRET:   minstret[31:0] <= wval;
          CSR_MINSTRETH:  minstret[63:32] <= wval;
          default: ;
        endcase
        if (IRQ_ARRAY && csr_addr == CSR_SIM_MASK) sim_mask <= wval;
        if (IRQ_ARRAY && csr_addr == CSR_MIM_MASK) mim_mask <= wval;
      end
      if (trap_take) begin
        if (trap_to_s) begin
          scause <= {trap_irq, 26'd0, trap_code};
          sepc <= trap_epc;
          stval <= trap_tval;
          mstatus[MS_SPP] <= priv[0];
          mstatus[MS_SPIE] <= mstatus[MS_SIE];
          mstatus[MS_SIE] <= 1'b0;
          priv <= PRIV_S;
        end else begin
          mcause <= {trap_irq, 26'd0, trap_code};
          mepc <= trap_epc;
          mtval <= trap_tval;
          mstatus[12:11] <= priv;
          mstatus[MS_MPIE] <= mstatus[MS_MIE];
          mstatus[MS_MIE] <= 1'b0;
          priv <= PRIV_M;
        end
      end else if (mret) begin
        priv <= mstatus[12:11];
        mstatus[MS_MIE] <= mstatus[MS_MPIE];
        mstatus[MS_MPIE] <= 1'b1;
        mstatus[12:11] <= PRIV_U;
        if (mstatus[12:11] != PRIV_M) mstatus[MS_MPRV] <= 1'b0;
      end else if (sret) begin
        priv <= {1'b0, mstatus[MS_SPP]};
        mstatus[MS_SIE] <= mstatus[MS_SPIE];
        mstatus[MS_SPIE] <= 1'b1;
        mstatus[MS_SPP] <= 1'b0;
        mstatus[MS_MPRV] <= 1'b0;
      end
    end
  end

endmodule
