// Courier's pipelined RV32IMA core: five in-order stages in the VexRiscv mould.
//
//   IF  ITLB + I-cache lookup, static prediction (backward branches and JAL taken)
//   ID  decode, register read (bypassing the write in WB)
//   EX  ALU, branch resolution (a misprediction flushes IF/ID: 2 cycles), mul/div (stalls
//       MUL_LAT/DIV_LAT extra cycles), address and alignment checks; forwarding from MEM and WB
//   MEM DTLB + data cache (hit in the same cycle), devices, AMOs; the commit point: traps,
//       interrupts, CSR access, xRET, fences and wfi happen here, and anything that changes
//       privilege or translation refetches its successor (a 3-cycle bubble)
//   WB  register write
//
// A load followed by a use of its result costs one bubble. Only MEM has side effects, and only
// for the oldest instruction, so every trap is precise without undo logic.
module core5
  import courier_pkg::*;
  import alu_pkg::*;
  import decode_pkg::*;
#(
  parameter int TLB_ENTRIES = 4,
  parameter bit TLB_ASID = 1'b1,
  parameter int MUL_LAT = 2,
  parameter int DIV_LAT = 34,
  parameter int RAM_BYTES = 8 * 1024 * 1024,
  parameter int SOC = 0,              // memory map for fetch checks: 0 virt, 1 betrusted
  parameter bit IRQ_ARRAY = 1'b0,     // CSR set, see csr.sv
  parameter bit COUNTERS = 1'b1,
  parameter bit SATP_ASID = 1'b1,
  parameter bit TRIGGERS = 1'b1,
  parameter bit HW_AD = 1'b1,         // the page walker sets A/D (else they fault), see mmu.sv
  parameter bit RVC = 1'b0,           // the C extension (16-bit instructions, IALIGN 16)
  parameter bit SFENCE_VA = 1'b0      // sfence.vma drops only what its operands name (mmu.sv)
)(
  input  logic        clk,
  input  logic        rst,
  input  logic [31:0] reset_pc,
  output logic        d_req,
  output logic        d_we,
  output logic [31:0] d_addr,
  output logic [31:0] d_wdata,
  output logic [3:0]  d_wstrb,
  input  logic        d_ready,
  input  logic        d_ack,
  input  logic        d_err,
  input  logic [31:0] d_rdata,
  output logic        i_lookup,
  output logic [31:0] i_addr,
  input  logic        i_hit,
  input  logic [31:0] i_data,
  output logic        i_refill,
  output logic        ifence,
  input  logic        irq_mtip,
  input  logic        irq_msip,
  input  logic        irq_meip,
  input  logic        irq_seip,
  input  logic [31:0] irq_lines,
  input  logic [63:0] mtime,
  output logic [63:0] instret_o,
  output logic [1:0]  priv_o,     // the current privilege mode (the harness's cycles per mode)
  output logic        wfi_o       // waiting in wfi (the harness counts those cycles apart)
);
  logic [31:0] rf[32];

  // ---- CSR file (driven by MEM) ----
  logic [1:0]  priv;
  assign priv_o = priv;
  logic [31:0] mstatus, satp, csr_rdata, trap_pc, mepc, sepc;
  logic        csr_illegal, irq_pending, wfi_wake, csr_valid, csr_write;
  logic        trap_take, trap_irq, do_mret, do_sret, retire;
  logic [4:0]  irq_code, trap_code;
  logic [31:0] trap_tval;

  // ---- pipeline registers ----
  logic [31:0] f_pc;
  logic        f_stop;                       // a fetch fault went down the pipe; await redirect
  logic        d_valid, d_exc;
  logic [31:0] d_pc, d_inst, d_tval;
  logic        d_c;                          // d_inst was expanded from 16 bits
  logic [4:0]  d_cause;
  logic        e_valid, e_exc;
  logic [31:0] e_pc, e_inst, e_rs1v, e_rs2v, e_tval;
  logic [4:0]  e_cause;
  ctl_t        e_ctl;
  logic [5:0]  md_cnt;
  logic        m_valid, m_exc;
  logic [31:0] m_pc, m_inst, m_result, m_ea, m_sdata, m_tval;
  logic [4:0]  m_cause;
  ctl_t        m_ctl;
  logic        w_valid;
  logic [4:0]  w_rd;
  logic [31:0] w_data;

  // ---- MMU ----
  wire [1:0] eff_priv = (priv == PRIV_M && mstatus[MS_MPRV]) ? mstatus[12:11] : priv;
  wire i_xlate = satp[31] && priv != PRIV_M;
  wire d_xlate = satp[31] && eff_priv != PRIV_M;
  wire m_writes = m_ctl.store || (m_ctl.amo && !m_ctl.lr);
  logic        itlb_hit, dtlb_hit, walk_start, walk_done, walk_pfault, walk_afault, walk_busy;
  logic [31:0] itlb_pa, dtlb_pa, walk_va;
  logic [1:0]  walk_acc, walk_priv;
  logic        w_req, w_we, tlb_flush;
  logic [31:0] w_addr, w_wdata;
  mmu #(.TLB_ENTRIES(TLB_ENTRIES), .TLB_ASID(TLB_ASID), .HW_AD(HW_AD), .SFENCE_VA(SFENCE_VA)) u_mmu (
    .clk, .rst, .satp, .sum(mstatus[MS_SUM]), .mxr(mstatus[MS_MXR]), .flush(tlb_flush),
    // sfence.vma's rs1 value reaches MEM as m_ea (EX adds no offset for it), rs2's as m_sdata.
    .flush_sfence(m_ctl.sfence), .flush_va_en(m_inst[19:15] != 5'd0), .flush_va(m_ea),
    .flush_asid_en(m_inst[24:20] != 5'd0), .flush_asid(m_sdata[8:0]),
    .i_va(f_lva), .i_priv(priv), .i_hit(itlb_hit), .i_pa(itlb_pa),
    .d_va(m_ea), .d_priv(eff_priv), .d_store(m_writes), .d_hit(dtlb_hit), .d_pa(dtlb_pa),
    .walk_start, .walk_va, .walk_acc, .walk_priv, .walk_done, .walk_pfault, .walk_afault,
    .walk_busy, .bus_req(w_req), .bus_we(w_we), .bus_addr(w_addr), .bus_wdata(w_wdata),
    .bus_ready(d_ready), .bus_ack(d_ack), .bus_err(d_err), .bus_rdata(d_rdata)
  );

  csr #(.IRQ_ARRAY(IRQ_ARRAY), .COUNTERS(COUNTERS), .SATP_ASID(SATP_ASID),
        .TRIGGERS(TRIGGERS), .RVC(RVC)) u_csr (
    .clk, .rst, .csr_valid, .csr_addr(m_inst[31:20]), .csr_op(m_inst[13:12]),
    .csr_src(m_inst[14] ? {27'd0, m_inst[19:15]} : m_result), .csr_write, .csr_rdata, .csr_illegal,
    .trap_take, .trap_irq, .trap_code, .trap_tval, .trap_epc(m_pc), .trap_pc,
    .mret(do_mret), .sret(do_sret), .mepc_o(mepc), .sepc_o(sepc), .retire,
    .irq_mtip, .irq_msip, .irq_meip, .irq_seip, .irq_lines, .mtime,
    .priv, .mstatus_o(mstatus), .satp, .irq_pending, .irq_code, .wfi_wake, .instret_o
  );

  // =========================== MEM (commit point) ===========================
  typedef enum logic [2:0] {MS_IDLE, MS_WAIT, MS_AMOW_ISSUE, MS_AMOW, MS_WALK, MS_WFI} mstate_t;
  mstate_t ms;
  assign wfi_o = ms == MS_WFI;
  logic [31:0] amo_old;
  logic        resv_valid;
  logic [31:0] resv_addr;
  logic        m_walk_fault, m_walk_afault;   // outcome of MEM's own walk

  wire m_side_free = ms == MS_IDLE;           // nothing of this instruction has happened yet
  wire m_sc_fails = m_ctl.sc && !(resv_valid && resv_addr == m_ea);
  wire m_mem = m_ctl.load || m_ctl.store || m_ctl.amo;
  wire [31:0] m_pa = d_xlate ? dtlb_pa : m_ea;
  wire m_tlb_ok = !d_xlate || dtlb_hit;
  wire m_priv_illegal = (m_ctl.mret && priv != PRIV_M)
      || (m_ctl.sret && (priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TSR])))
      || (m_ctl.wfi && (priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TW])))
      || (m_ctl.sfence && (priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TVM])))
      || (m_ctl.csr && csr_illegal);

  logic        mem_done, mem_trap, mem_redirect, m_wb;
  logic [31:0] m_wdata, mem_target;
  logic        m_issue, m_walk_req;

  // Requests MEM makes this cycle. Kept apart from the outcome logic below, because a data-cache
  // hit answers in the same cycle and the answer must not feed back into the request.
  wire m_irq = m_valid && irq_pending && m_side_free;
  wire m_blocked = !m_valid || m_irq || m_exc || m_priv_illegal || !m_mem;
  always_comb begin
    m_issue = 1'b0; m_walk_req = 1'b0;
    d_req = 1'b0; d_we = 1'b0; d_addr = {m_pa[31:2], 2'b00};
    d_wdata = m_sdata << {m_ea[1:0], 3'b000};
    // Loads carry their byte lanes too: a device may act on which bytes are read (the 16550's
    // RBR read pops its receive FIFO only for a read of byte 0).
    d_wstrb = store_strobe(m_ctl.amo ? 2'd2 : m_inst[13:12], m_ea[1:0]);
    if (!m_blocked) begin
      if (ms == MS_IDLE && !m_sc_fails) begin
        if (!m_tlb_ok) m_walk_req = !walk_busy;
        else if (!walk_busy && d_ready) begin
          m_issue = 1'b1; d_req = 1'b1; d_we = m_ctl.store || m_ctl.sc;
        end
      end else if (ms == MS_AMOW_ISSUE && d_ready) begin
        d_req = 1'b1; d_we = 1'b1; d_wstrb = 4'b1111;
        d_wdata = amo(m_inst[31:27], amo_old, m_sdata);
      end
    end
    // The walker borrows the data port while it runs; MEM never issues then.
    if (walk_busy) begin
      d_req = w_req; d_we = w_we; d_addr = w_addr; d_wdata = w_wdata; d_wstrb = 4'b1111;
    end
  end

  always_comb begin
    mem_done = 1'b0; mem_trap = 1'b0; mem_redirect = 1'b0; m_wb = m_ctl.writes_rd;
    m_wdata = m_result;
    trap_irq = 1'b0; trap_code = m_cause; trap_tval = m_tval;
    if (m_valid) begin
      if (m_irq) begin
        mem_trap = 1'b1; trap_irq = 1'b1; trap_code = irq_code; trap_tval = 32'd0;
      end else if (m_exc) begin
        mem_trap = 1'b1;
      end else if (m_priv_illegal) begin
        mem_trap = 1'b1; trap_code = EXC_ILLEGAL; trap_tval = m_inst;
      end else if (m_ctl.ecall) begin
        mem_trap = 1'b1; trap_tval = 32'd0;
        trap_code = (priv == PRIV_U) ? EXC_ECALL_U : (priv == PRIV_S) ? EXC_ECALL_S : EXC_ECALL_M;
      end else if (m_ctl.ebreak) begin
        mem_trap = 1'b1; trap_code = EXC_BREAKPOINT; trap_tval = 32'd0;
      end else if (m_mem) begin
        if (ms == MS_IDLE && m_sc_fails) begin
          mem_done = 1'b1; m_wdata = 32'd1;
        end else if (ms == MS_WALK && walk_done && (walk_pfault || walk_afault)) begin
          mem_trap = 1'b1; trap_tval = m_ea;
          trap_code = walk_pfault ? (m_writes ? EXC_SPAGE : EXC_LPAGE)
                                  : (m_writes ? EXC_SACCESS : EXC_LACCESS);
        end else if ((m_issue || ms == MS_WAIT || ms == MS_AMOW) && d_ack) begin
          // The answer to this instruction's request (possibly in the cycle it was made).
          if (d_err) begin
            mem_trap = 1'b1; trap_tval = m_ea;
            trap_code = (m_ctl.load || m_ctl.lr) ? EXC_LACCESS : EXC_SACCESS;
          end else if (ms == MS_AMOW) begin
            mem_done = 1'b1; m_wdata = amo_old;
          end else if (m_ctl.load) begin
            mem_done = 1'b1; m_wdata = load_extract(m_inst[14:12], m_ea[1:0], d_rdata);
          end else if (m_ctl.store || m_ctl.sc) begin
            mem_done = 1'b1; m_wdata = 32'd0;
          end else if (m_ctl.lr) begin
            mem_done = 1'b1; m_wdata = d_rdata;
          end
        end
      end else if (m_ctl.csr) begin
        mem_done = 1'b1; mem_redirect = 1'b1; m_wdata = csr_rdata;
      end else if (m_ctl.mret || m_ctl.sret) begin
        mem_done = 1'b1; mem_redirect = 1'b1;
      end else if (m_ctl.wfi) begin
        if (ms == MS_WFI && wfi_wake) begin mem_done = 1'b1; mem_redirect = 1'b1; end
      end else if (m_ctl.sfence || m_ctl.fence_i) begin
        mem_done = 1'b1; mem_redirect = 1'b1;
      end else begin
        mem_done = 1'b1;
      end
    end
    if (mem_trap) begin
      mem_done = 1'b0; mem_redirect = 1'b1;
    end
    if (!mem_done) m_wb = 1'b0;
  end
  assign mem_target = mem_trap ? trap_pc : m_ctl.mret ? mepc : m_ctl.sret ? sepc
                    : m_pc + (m_ctl.rvc ? 32'd2 : 32'd4);
  assign trap_take = mem_trap;
  assign retire = mem_done;
  assign csr_valid = m_valid && m_ctl.csr && !m_exc && !(irq_pending && m_side_free);
  assign csr_write = (m_inst[13:12] == 2'd1) || m_inst[19:15] != 5'd0;
  assign do_mret = mem_done && m_ctl.mret;
  assign do_sret = mem_done && m_ctl.sret;
  assign ifence = mem_done && m_ctl.fence_i;
  assign tlb_flush = (mem_done && m_ctl.sfence)
      || (mem_done && m_ctl.csr && csr_write && m_inst[31:20] == CSR_SATP && !TLB_ASID);
  wire mem_busy = m_valid && !mem_done && !mem_trap;

  // =========================== EX ===========================
  function automatic logic [31:0] fwd(input logic [4:0] r, input logic [31:0] v);
    if (r == 5'd0) return 32'd0;
    if (m_valid && m_ctl.writes_rd && m_inst[11:7] == r) return m_result;
    if (w_valid && w_rd == r) return w_data;
    return v;
  endfunction
  // Results that only exist after MEM (loads, AMOs, CSR reads) cannot be forwarded from MEM.
  wire m_late = m_valid && m_ctl.writes_rd && (m_ctl.load || m_ctl.amo || m_ctl.csr);
  wire [4:0] e_rs1 = e_inst[19:15];
  wire [4:0] e_rs2 = e_inst[24:20];
  wire ex_hazard = e_valid && m_late
      && ((e_ctl.uses_rs1 && e_rs1 == m_inst[11:7]) || (e_ctl.uses_rs2 && e_rs2 == m_inst[11:7]));
  wire [31:0] a = fwd(e_rs1, e_rs1v);
  wire [31:0] b = fwd(e_rs2, e_rs2v);
  wire [31:0] e_imm_i = {{20{e_inst[31]}}, e_inst[31:20]};
  wire [31:0] e_imm_s = {{20{e_inst[31]}}, e_inst[31:25], e_inst[11:7]};
  wire [2:0]  e_f3 = e_inst[14:12];
  wire [5:0]  md_lat = e_f3[2] ? 6'(DIV_LAT) : 6'(MUL_LAT);
  wire md_wait = e_valid && e_ctl.muldiv && md_lat != 6'd0 && md_cnt != 6'd1;

  wire [31:0] e_len = e_ctl.rvc ? 32'd2 : 32'd4;
  logic [31:0] e_result, e_next, e_ea;
  logic        e_exc2;
  logic [4:0]  e_cause2;
  logic [31:0] e_tval2;
  always_comb begin
    e_result = 32'd0;
    e_next = e_pc + e_len;
    e_ea = a + (e_ctl.store ? e_imm_s : (e_ctl.amo || e_ctl.sfence) ? 32'd0 : e_imm_i);
    e_exc2 = e_exc; e_cause2 = e_cause; e_tval2 = e_tval;
    if (e_ctl.lui) e_result = {e_inst[31:12], 12'd0};
    else if (e_ctl.auipc) e_result = e_pc + {e_inst[31:12], 12'd0};
    else if (e_ctl.jal || e_ctl.jalr) begin
      e_result = e_pc + e_len;
      e_next = e_ctl.jal ? predict_target(e_pc, e_inst) : (a + e_imm_i) & ~32'd1;
    end else if (e_ctl.branch) begin
      if (branch_taken(e_f3, a, b)) e_next = predict_target(e_pc, e_inst);
    end else if (e_ctl.alu_imm) e_result = alu(e_f3, e_f3 == 3'd5 && e_inst[30], a, e_imm_i);
    else if (e_ctl.alu_reg) e_result = alu(e_f3, e_inst[30], a, b);
    else if (e_ctl.muldiv) e_result = muldiv(e_f3, a, b);
    else if (e_ctl.csr) e_result = a;   // the CSR source operand
    if (!e_exc) begin
      // With C every target is 2-byte aligned (jalr clears bit 0), so none can fault.
      if (!RVC && (e_ctl.jal || e_ctl.jalr || e_ctl.branch) && e_next[1:0] != 2'b00) begin
        e_exc2 = 1'b1; e_cause2 = EXC_IADDR_MISALIGNED; e_tval2 = e_next;
      end else if ((e_ctl.load || e_ctl.store || e_ctl.amo)
                   && misaligned(e_ctl.amo ? 2'd2 : e_f3[1:0], e_ea[1:0])) begin
        e_exc2 = 1'b1; e_tval2 = e_ea;
        e_cause2 = (e_ctl.load || e_ctl.lr) ? EXC_LADDR_MISALIGNED : EXC_SADDR_MISALIGNED;
      end
    end
  end
  wire [31:0] e_pred = predict_taken(e_inst) ? predict_target(e_pc, e_inst) : e_pc + e_len;
  wire ex_go = e_valid && !ex_hazard && !md_wait && !mem_busy && !mem_redirect;
  wire ex_redirect = ex_go && !e_exc2 && e_next != e_pred;
  wire ex_hold = e_valid && !ex_go;

  // =========================== ID ===========================
  ctl_t d_ctl;
  always_comb begin
    d_ctl = decode(d_inst);
    d_ctl.rvc = d_c;
  end
  wire [4:0] d_rs1 = d_inst[19:15];
  wire [4:0] d_rs2 = d_inst[24:20];
  wire [31:0] d_rs1v = (w_valid && w_rd == d_rs1) ? w_data : rf[d_rs1];
  wire [31:0] d_rs2v = (w_valid && w_rd == d_rs2) ? w_data : rf[d_rs2];
  wire id_go = d_valid && !ex_hold && !mem_redirect && !ex_redirect;

  // =========================== IF ===========================
  // Without C, IF looks up the word at f_pc. With C (RVC), f_pc may be 2-byte aligned, and an
  // instruction is the halfword at f_pc (16 bits, expanded here) or the 32 bits from f_pc on.
  // The upper halfword of the last word fetched is kept in f_hb when the next fetch is the
  // sequential one at its address: a 16-bit instruction there needs no lookup, and a 32-bit
  // one that straddles two words (and maybe two cache lines or pages) looks up only its second
  // word, so sequential code pays nothing for straddling. After a jump to a 32-bit instruction
  // at pc % 4 == 2 there is no buffer: the first lookup fills f_hb (one cycle), the second
  // finishes the instruction. A fault on that second lookup reports tval = pc + 2, the half
  // that faulted (privileged spec 3.1.16), and epc = pc. Every redirect empties f_hb.
  logic        f_hb_valid;
  logic [15:0] f_hb;
  logic [31:0] f_hb_va;
  wire f_use_hb = RVC && f_pc[1] && f_hb_valid && f_hb_va == f_pc;
  wire [15:0] f_c16 = f_use_hb ? f_hb : (f_pc[1] ? i_data[31:16] : i_data[15:0]);
  wire f_is_c = RVC && f_c16[1:0] != 2'b11;
  // A lookup is needed unless the buffer holds a whole 16-bit instruction (from f_hb alone, so
  // the lookup does not depend on its own answer).
  wire f_need = !(f_use_hb && f_hb[1:0] != 2'b11);
  wire f_split = RVC && f_pc[1] && !f_use_hb && !f_is_c;  // only the first half is in this word
  wire [31:0] f_lva = f_use_hb ? f_pc + 32'd2 : {f_pc[31:2], 2'b00};
  rvc_t f_x;
  assign f_x = expand(f_c16);
  // An encoding the expander refuses goes on as its own 16 bits: decode finds it illegal and
  // mtval gets the instruction, as the spec asks.
  wire [31:0] f_inst = !f_is_c ? (f_use_hb ? {i_data[15:0], f_hb} : i_data)
                     : f_x.ok ? f_x.inst : {16'd0, f_c16};
  wire [31:0] f_pa = i_xlate ? itlb_pa : f_lva;
  wire f_tlb_ok = !i_xlate || itlb_hit;
  // Fetch only from cached memory (RAM; on betrusted also the boot ROM and flash).
  wire f_in_ram = SOC == 1 ? betrusted_cached(f_pa, RAM_BYTES)
                           : f_pa >= 32'h8000_0000 && f_pa - 32'h8000_0000 < 32'(RAM_BYTES);
  logic        f_wf_valid, f_wf_page, f_walking;
  logic [31:0] f_wf_va;
  wire f_walk_fault = f_need && f_wf_valid && f_wf_va == f_lva && !f_tlb_ok;
  wire f_access_fault = f_need && f_tlb_ok && !f_in_ram;
  wire f_fault = f_walk_fault || f_access_fault;
  wire f_ready = !f_stop && (!f_need || f_fault || (f_tlb_ok && i_hit && !f_split));
  wire id_free = !d_valid || id_go;
  wire if_go = f_ready && id_free && !mem_redirect && !ex_redirect;
  assign i_lookup = !f_stop && f_need && f_tlb_ok && f_in_ram;
  assign i_addr = f_pa;
  assign i_refill = i_lookup && !i_hit;
  wire f_taken = predict_taken(f_inst);
  wire [31:0] f_next = f_taken ? predict_target(f_pc, f_inst) : f_pc + (f_is_c ? 32'd2 : 32'd4);
  // A fetch walk runs only while MEM leaves the data port and the walker alone.
  wire f_walk_req = !f_stop && f_need && !f_tlb_ok && !f_walk_fault && !f_walking && !walk_busy
                 && !m_walk_req && !m_issue && (ms == MS_IDLE || ms == MS_WFI);

  always_comb begin
    walk_start = 1'b0; walk_va = m_ea; walk_acc = m_writes ? ACC_STORE : ACC_LOAD;
    walk_priv = eff_priv;
    if (m_walk_req) walk_start = 1'b1;
    else if (f_walk_req) begin
      walk_start = 1'b1; walk_va = f_lva; walk_acc = ACC_FETCH; walk_priv = priv;
    end
  end

  // =========================== state ===========================
  always_ff @(posedge clk) begin
    if (rst) begin
      f_pc <= reset_pc; f_stop <= 1'b0; f_wf_valid <= 1'b0; f_walking <= 1'b0;
      f_hb_valid <= 1'b0;
      d_valid <= 1'b0; e_valid <= 1'b0; m_valid <= 1'b0; w_valid <= 1'b0;
      ms <= MS_IDLE; resv_valid <= 1'b0; md_cnt <= 6'd0;
    end else begin
      // WB
      if (w_valid) rf[w_rd] <= w_data;
      w_valid <= m_wb;
      w_rd <= m_inst[11:7];
      w_data <= m_wdata;

      // MEM sequencing
      if (mem_done || mem_trap) ms <= MS_IDLE;
      else if (m_valid) begin
        unique case (ms)
          MS_IDLE: begin
            if (m_walk_req) ms <= MS_WALK;
            else if (m_issue && !d_ack) ms <= MS_WAIT;
            else if (m_ctl.wfi) ms <= MS_WFI;
          end
          MS_WAIT: if (d_ack) begin
            amo_old <= d_rdata;
            ms <= MS_AMOW_ISSUE;   // only AMOs get here without completing
          end
          MS_AMOW_ISSUE: if (d_ready) ms <= MS_AMOW;
          MS_WALK: if (walk_done) ms <= MS_IDLE;
          default: ;
        endcase
        if (ms == MS_IDLE && m_issue && d_ack && !mem_done) begin
          amo_old <= d_rdata;
          ms <= MS_AMOW_ISSUE;
        end
      end
      if (mem_trap) resv_valid <= 1'b0;
      if (mem_done && m_ctl.lr) begin resv_valid <= 1'b1; resv_addr <= m_ea; end
      if (mem_done && m_ctl.sc) resv_valid <= 1'b0;

      // pipeline advance: MEM <- EX <- ID <- IF
      if (!mem_busy) begin
        m_valid <= ex_go;
        m_pc <= e_pc; m_inst <= e_inst; m_ctl <= e_ctl; m_result <= e_result; m_ea <= e_ea;
        m_sdata <= b; m_exc <= e_exc2; m_cause <= e_cause2; m_tval <= e_tval2;
      end
      if (e_valid && e_ctl.muldiv && md_lat != 6'd0) begin
        if (md_cnt == 6'd0) md_cnt <= md_lat;
        else if (md_cnt != 6'd1) md_cnt <= md_cnt - 6'd1;
        else if (ex_go) md_cnt <= 6'd0;
      end
      if (mem_redirect) begin
        e_valid <= 1'b0; md_cnt <= 6'd0;
      end else if (ex_hold) begin
        // Keep operands current while waiting: their producers may leave WB meanwhile.
        e_rs1v <= a; e_rs2v <= b;
      end else begin
        e_valid <= id_go;
        e_pc <= d_pc; e_inst <= d_inst; e_ctl <= d_exc ? '0 : d_ctl;
        e_rs1v <= d_rs1v; e_rs2v <= d_rs2v;
        e_exc <= d_exc || d_ctl.illegal;
        e_cause <= d_exc ? d_cause : EXC_ILLEGAL;
        e_tval <= d_exc ? d_tval : d_inst;
      end
      if (mem_redirect || ex_redirect) d_valid <= 1'b0;
      else if (id_free) begin
        d_valid <= if_go;
        d_pc <= f_pc;
        d_inst <= f_inst;
        d_c <= f_is_c;
        d_exc <= f_fault;
        d_cause <= f_walk_fault ? (f_wf_page ? EXC_IPAGE : EXC_IACCESS) : EXC_IACCESS;
        d_tval <= f_use_hb ? f_pc + 32'd2 : f_pc;
      end

      // IF
      if (f_walk_req) begin f_walking <= 1'b1; f_wf_va <= f_lva; end
      if (walk_done && f_walking) begin
        f_walking <= 1'b0;
        if (walk_pfault || walk_afault) begin
          f_wf_valid <= 1'b1; f_wf_page <= walk_pfault;
        end
      end
      if (mem_redirect || ex_redirect) begin
        f_pc <= mem_redirect ? mem_target : e_next;
        f_stop <= 1'b0;
        f_wf_valid <= 1'b0;
        f_hb_valid <= 1'b0;
      end else if (if_go) begin
        f_pc <= f_fault ? f_pc : f_next;
        if (f_fault) f_stop <= 1'b1;
        // Keep the word's upper half when the sequential fetch starts there: after a 16-bit
        // instruction in the lower half, or a straddling one that ended in this word's lower half.
        f_hb_valid <= RVC && !f_fault && !f_taken && (f_is_c ? !f_pc[1] : f_use_hb);
        f_hb <= i_data[31:16];
        f_hb_va <= f_pc + (f_is_c ? 32'd2 : 32'd4);
      end else if (f_split && f_tlb_ok && i_hit && !f_stop) begin
        f_hb_valid <= 1'b1;          // the first half of a straddling instruction
        f_hb <= i_data[31:16];
        f_hb_va <= f_pc;
      end
    end
  end

endmodule
