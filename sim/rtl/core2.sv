// Courier's simpler RV32IMA core (PIPELINE=0): fetch overlapped with execute, two stages, one
// memory port, Sv32 via mmu.sv, privilege and traps via csr.sv.
//
// Timing model: an ALU instruction whose successor hits the ITLB completes in the same cycle the
// next fetch is issued, so with single-cycle memory it costs one cycle. Loads and stores take a
// second bus transaction, AMOs a third; mul/div stall for MUL_LAT/DIV_LAT extra cycles. Anything
// that changes translation or privilege (CSR writes, xRET, fences, traps) refetches through
// S_FETCH so that fetch never runs ahead of state it depends on.
module core2
  import courier_pkg::*;
  import alu_pkg::*;
#(
  parameter int TLB_ENTRIES = 4,
  parameter bit TLB_ASID = 1'b1,
  parameter int MUL_LAT = 2,
  parameter int DIV_LAT = 34,
  parameter bit IRQ_ARRAY = 1'b0,     // CSR set, see csr.sv
  parameter bit COUNTERS = 1'b1,
  parameter bit SATP_ASID = 1'b1,
  parameter bit TRIGGERS = 1'b1,
  parameter bit HW_AD = 1'b1,         // the page walker sets A/D (else they fault), see mmu.sv
  parameter bit SFENCE_VA = 1'b0      // sfence.vma drops only what its operands name (mmu.sv)
)(
  input  logic        clk,
  input  logic        rst,
  input  logic [31:0] reset_pc,
  output logic        bus_req,
  output logic        bus_ifetch,
  output logic        ifence,       // fence.i: the instruction cache must forget its lines
  output logic        bus_we,
  output logic [31:0] bus_addr,
  output logic [31:0] bus_wdata,
  output logic [3:0]  bus_wstrb,
  input  logic        bus_ack,
  input  logic        bus_err,
  input  logic [31:0] bus_rdata,
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

  typedef enum logic [2:0] {S_FETCH, S_EXEC, S_REEXEC, S_MEM, S_AMOW, S_WALK, S_STALL, S_WFI} state_t;
  state_t state;
  assign wfi_o = state == S_WFI;
  logic [31:0] pc, ir;
  logic [31:0] rf[32];
  logic [31:0] mem_va;       // virtual address of the memory op in flight (for tval)
  logic [31:0] mem_pa;
  logic [31:0] amo_old;
  logic [5:0]  stall;
  logic        walk_fetch;
  logic [1:0]  walk_acc_q;
  logic        resv_valid;
  logic [31:0] resv_addr;

  // ---- CSR file ----
  logic [1:0]  priv;
  assign priv_o = priv;
  logic [31:0] mstatus, satp, csr_rdata, trap_pc, mepc, sepc;
  logic        csr_illegal, irq_pending, wfi_wake;
  logic [4:0]  irq_code;
  logic        csr_valid, csr_write, trap_take, trap_irq, do_mret, do_sret, retire;
  logic [4:0]  trap_code;
  logic [31:0] trap_tval;

  // ---- decode ----
  wire [31:0] inst = (state == S_EXEC) ? bus_rdata : ir;
  wire inst_valid = (state == S_EXEC && bus_ack && !bus_err) || state == S_REEXEC;
  wire [6:0] opcode = inst[6:0];
  wire [4:0] rd = inst[11:7];
  wire [2:0] f3 = inst[14:12];
  wire [4:0] rs1 = inst[19:15];
  wire [4:0] rs2 = inst[24:20];
  wire [6:0] f7 = inst[31:25];
  wire [4:0] f5 = inst[31:27];
  wire [31:0] imm_i = {{20{inst[31]}}, inst[31:20]};
  wire [31:0] imm_s = {{20{inst[31]}}, inst[31:25], inst[11:7]};
  wire [31:0] imm_b = {{19{inst[31]}}, inst[31], inst[7], inst[30:25], inst[11:8], 1'b0};
  wire [31:0] imm_j = {{11{inst[31]}}, inst[31], inst[19:12], inst[20], inst[30:21], 1'b0};
  wire [31:0] rs1v = (rs1 == 5'd0) ? 32'd0 : rf[rs1];
  wire [31:0] rs2v = (rs2 == 5'd0) ? 32'd0 : rf[rs2];

  wire is_amo = opcode == OP_AMO;
  wire is_lr = is_amo && f5 == 5'b00010;
  wire is_sc = is_amo && f5 == 5'b00011;
  wire is_store = opcode == OP_STORE;
  wire is_load = opcode == OP_LOAD;
  wire mem_writes = is_store || (is_amo && !is_lr);
  wire [31:0] ea = rs1v + (is_store ? imm_s : is_amo ? 32'd0 : imm_i);
  wire [1:0] msize = is_amo ? 2'd2 : f3[1:0];
  wire [1:0] eff_priv = (priv == PRIV_M && mstatus[MS_MPRV]) ? mstatus[12:11] : priv;
  wire d_xlate = satp[31] && eff_priv != PRIV_M;
  wire i_xlate = satp[31] && priv != PRIV_M;

  // CSR-file side effects are decided from the raw encoding, outside the execute block, so no
  // combinational path runs from the CSR file's answers back into its own inputs.
  wire is_csr_op = opcode == OP_SYSTEM && f3 != 3'd0 && f3 != 3'd4;
  assign csr_valid = inst_valid && is_csr_op;
  assign csr_write = (f3[1:0] == 2'd1) || rs1 != 5'd0;
  assign do_mret = inst_valid && inst == 32'h3020_0073 && priv == PRIV_M;
  assign do_sret = inst_valid && inst == 32'h1020_0073 && priv != PRIV_U
                && !(priv == PRIV_S && mstatus[MS_TSR]);

  // ---- execute (combinational): what the instruction in `inst` does this cycle ----
  logic        ex_exc;          // raises an exception
  logic [4:0]  ex_cause;
  logic [31:0] ex_tval;
  logic        ex_done;         // completes now (rd written, pc advances)
  logic        ex_serial;       // completes but must refetch through S_FETCH
  logic        ex_wb;
  logic [31:0] ex_wdata, ex_npc;
  logic        ex_mem, ex_stall, ex_wfi, ex_sfence;
  logic [5:0]  ex_stall_n;

  always_comb begin
    logic illegal;
    logic [31:0] target;
    illegal = 1'b0;
    ex_exc = 1'b0; ex_cause = EXC_ILLEGAL; ex_tval = inst;
    ex_done = 1'b0; ex_serial = 1'b0; ex_wb = 1'b0; ex_wdata = 32'd0; ex_npc = pc + 32'd4;
    ex_mem = 1'b0; ex_stall = 1'b0; ex_stall_n = 6'd0; ex_wfi = 1'b0; ex_sfence = 1'b0;
    target = 32'd0;
    unique case (opcode)
      OP_LUI: begin ex_done = 1'b1; ex_wb = 1'b1; ex_wdata = {inst[31:12], 12'd0}; end
      OP_AUIPC: begin ex_done = 1'b1; ex_wb = 1'b1; ex_wdata = pc + {inst[31:12], 12'd0}; end
      OP_JAL, OP_JALR: begin
        target = (opcode == OP_JAL) ? pc + imm_j : (rs1v + imm_i) & ~32'd1;
        illegal = (opcode == OP_JALR && f3 != 3'd0);
        ex_done = 1'b1; ex_wb = 1'b1; ex_wdata = pc + 32'd4; ex_npc = target;
      end
      OP_BRANCH: begin
        illegal = (f3 == 3'd2 || f3 == 3'd3);
        ex_done = 1'b1;
        if (branch_taken(f3, rs1v, rs2v)) begin target = pc + imm_b; ex_npc = target; end
      end
      OP_IMM: begin
        illegal = (f3 == 3'd1 && f7 != 7'd0) || (f3 == 3'd5 && f7 != 7'd0 && f7 != 7'h20);
        ex_done = 1'b1; ex_wb = 1'b1;
        ex_wdata = alu(f3, f3 == 3'd5 && inst[30], rs1v, imm_i);
      end
      OP_REG: begin
        ex_done = 1'b1; ex_wb = 1'b1;
        if (f7 == 7'd1) begin
          ex_wdata = muldiv(f3, rs1v, rs2v);
          ex_stall_n = f3[2] ? 6'(DIV_LAT) : 6'(MUL_LAT);
          ex_stall = ex_stall_n != 6'd0;
        end else begin
          illegal = !(f7 == 7'd0 || (f7 == 7'h20 && (f3 == 3'd0 || f3 == 3'd5)));
          ex_wdata = alu(f3, inst[30], rs1v, rs2v);
        end
      end
      OP_LOAD: begin
        illegal = (f3 == 3'd3 || f3 == 3'd6 || f3 == 3'd7);
        ex_mem = 1'b1;
      end
      OP_STORE: begin
        illegal = f3 > 3'd2;
        ex_mem = 1'b1;
      end
      OP_AMO: begin
        illegal = f3 != 3'd2 || !amo_funct_ok(f5) || (is_lr && rs2 != 5'd0);
        ex_mem = 1'b1;
      end
      OP_FENCE: begin
        illegal = f3 > 3'd1;
        ex_done = 1'b1;
        ex_serial = f3 == 3'd1;  // fence.i: refetch so later fetches see earlier stores
      end
      OP_SYSTEM: begin
        if (f3 != 3'd0 && f3 != 3'd4) begin
          illegal = csr_illegal;
          ex_done = 1'b1; ex_serial = 1'b1; ex_wb = 1'b1; ex_wdata = csr_rdata;
        end else if (inst == 32'h0000_0073) begin
          ex_exc = 1'b1; ex_tval = 32'd0;
          ex_cause = (priv == PRIV_U) ? EXC_ECALL_U : (priv == PRIV_S) ? EXC_ECALL_S : EXC_ECALL_M;
        end else if (inst == 32'h0010_0073) begin
          // tval 0 (allowed by the spec) rather than the pc: QEMU does the same.
          ex_exc = 1'b1; ex_cause = EXC_BREAKPOINT; ex_tval = 32'd0;
        end else if (inst == 32'h3020_0073) begin
          illegal = priv != PRIV_M;
          ex_done = 1'b1; ex_serial = 1'b1; ex_npc = mepc;
        end else if (inst == 32'h1020_0073) begin
          illegal = priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TSR]);
          ex_done = 1'b1; ex_serial = 1'b1; ex_npc = sepc;
        end else if (inst == 32'h1050_0073) begin
          illegal = priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TW]);
          ex_wfi = 1'b1;
        end else if (f7 == 7'b0001001 && rd == 5'd0 && f3 == 3'd0) begin
          illegal = priv == PRIV_U || (priv == PRIV_S && mstatus[MS_TVM]);
          ex_sfence = 1'b1; ex_done = 1'b1; ex_serial = 1'b1;
        end else illegal = 1'b1;
      end
      default: illegal = 1'b1;
    endcase
    if (illegal) begin
      ex_exc = 1'b1; ex_cause = EXC_ILLEGAL; ex_tval = inst;
    end else if (ex_done && ex_npc[1:0] != 2'b00 && (opcode == OP_JAL || opcode == OP_JALR
                                                    || opcode == OP_BRANCH)) begin
      ex_exc = 1'b1; ex_cause = EXC_IADDR_MISALIGNED; ex_tval = ex_npc;
    end else if (ex_mem && misaligned(msize, ea[1:0])) begin
      ex_exc = 1'b1; ex_tval = ea;
      ex_cause = (is_load || is_lr) ? EXC_LADDR_MISALIGNED : EXC_SADDR_MISALIGNED;
    end
    if (ex_exc) begin
      ex_done = 1'b0; ex_wb = 1'b0; ex_mem = 1'b0; ex_stall = 1'b0; ex_wfi = 1'b0;
      ex_sfence = 1'b0;
    end
    if (!inst_valid) begin
      ex_exc = 1'b0; ex_done = 1'b0; ex_mem = 1'b0; ex_stall = 1'b0; ex_wfi = 1'b0;
      ex_sfence = 1'b0;
    end
  end

  // ---- MMU ----
  logic [31:0] fetch_va, i_pa, d_pa;
  logic        i_hit, d_hit, walk_start, walk_done, walk_pfault, walk_afault;
  logic [31:0] walk_va;
  logic [1:0]  walk_acc, walk_priv;
  logic        mmu_req, mmu_we;
  logic [31:0] mmu_addr, mmu_wdata;
  logic        tlb_flush, walk_busy_unused;

  mmu #(.TLB_ENTRIES(TLB_ENTRIES), .TLB_ASID(TLB_ASID), .HW_AD(HW_AD), .SFENCE_VA(SFENCE_VA)) u_mmu (
    .clk, .rst, .satp, .sum(mstatus[MS_SUM]), .mxr(mstatus[MS_MXR]), .flush(tlb_flush),
    .flush_sfence(ex_sfence), .flush_va_en(rs1 != 5'd0), .flush_va(rs1v),
    .flush_asid_en(rs2 != 5'd0), .flush_asid(rs2v[8:0]),
    .i_va(fetch_va), .i_priv(priv), .i_hit, .i_pa,
    .d_va(ea), .d_priv(eff_priv), .d_store(mem_writes), .d_hit, .d_pa,
    .walk_start, .walk_va, .walk_acc, .walk_priv, .walk_done, .walk_pfault, .walk_afault,
    .bus_req(mmu_req), .bus_we(mmu_we), .bus_addr(mmu_addr), .bus_wdata(mmu_wdata),
    .walk_busy(walk_busy_unused), .bus_ready(1'b1), .bus_ack, .bus_err, .bus_rdata
  );

  csr #(.IRQ_ARRAY(IRQ_ARRAY), .COUNTERS(COUNTERS), .SATP_ASID(SATP_ASID),
        .TRIGGERS(TRIGGERS)) u_csr (
    .clk, .rst, .csr_valid, .csr_addr(inst[31:20]), .csr_op(f3[1:0]),
    .csr_src(f3[2] ? {27'd0, rs1} : rs1v), .csr_write, .csr_rdata, .csr_illegal,
    .trap_take, .trap_irq, .trap_code, .trap_tval, .trap_epc(pc), .trap_pc,
    .mret(do_mret), .sret(do_sret), .mepc_o(mepc), .sepc_o(sepc), .retire,
    .irq_mtip, .irq_msip, .irq_meip, .irq_seip, .irq_lines, .mtime,
    .priv, .mstatus_o(mstatus), .satp, .irq_pending, .irq_code, .wfi_wake, .instret_o
  );

  // A fresh TLB is needed when translation context changes: satp (unless entries carry ASIDs)
  // and sfence.vma (a full flush unless SFENCE_VA, mmu.sv).
  assign tlb_flush = ex_sfence
      || (csr_valid && csr_write && !csr_illegal && inst[31:20] == CSR_SATP && !TLB_ASID);

  // ---- completion and the overlapped fetch of the next instruction ----
  logic        complete, complete_serial, complete_wb;
  logic [31:0] complete_pc, complete_wdata;
  logic [4:0]  complete_rd;
  logic        mem_done;      // S_MEM / S_AMOW finishing a memory instruction this cycle
  logic        mem_fault;
  logic [31:0] mem_result;

  always_comb begin
    mem_done = 1'b0; mem_fault = 1'b0; mem_result = 32'd0;
    if (state == S_MEM && bus_ack) begin
      mem_fault = bus_err;
      mem_done = !bus_err && !(ir[6:0] == OP_AMO && ir[31:27] != 5'b00010 && ir[31:27] != 5'b00011);
      mem_result = (ir[6:0] == OP_AMO) ? ((ir[31:27] == 5'b00011) ? 32'd0 : bus_rdata)
                                       : load_extract(ir[14:12], mem_va[1:0], bus_rdata);
    end else if (state == S_AMOW && bus_ack) begin
      mem_fault = bus_err;
      mem_done = !bus_err;
      mem_result = amo_old;
    end
  end

  always_comb begin
    complete = 1'b0; complete_serial = 1'b0; complete_wb = 1'b0;
    complete_pc = pc + 32'd4; complete_wdata = ex_wdata; complete_rd = ir[11:7];
    if (ex_done && !ex_stall) begin
      complete = 1'b1; complete_serial = ex_serial; complete_wb = ex_wb;
      complete_pc = ex_npc; complete_rd = rd;
    end else if (mem_done) begin
      complete = 1'b1; complete_wb = ir[6:0] != OP_STORE; complete_wdata = mem_result;
    end else if (ex_mem && sc_fails) begin
      complete = 1'b1; complete_wb = 1'b1; complete_wdata = 32'd1; complete_rd = rd;
    end else if (state == S_STALL && stall == 6'd1) begin
      // The stalled mul/div recomputes its result from ir and the untouched source registers.
      complete = 1'b1; complete_wb = 1'b1;
    end else if (state == S_WFI && wfi_wake) begin
      complete = 1'b1; complete_serial = 1'b1;
    end
  end

  assign fetch_va = (state == S_FETCH) ? pc : complete_pc;
  wire fetch_ok = !i_xlate || i_hit;
  wire [31:0] fetch_pa = i_xlate ? i_pa : fetch_va;
  wire fast_fetch = complete && !complete_serial && !irq_pending && fetch_ok;
  wire fetch_now = (state == S_FETCH && !irq_pending && fetch_ok) || fast_fetch;

  // Data access translation for a memory instruction in execute.
  wire sc_fails = is_sc && !(resv_valid && resv_addr == ea);
  wire d_ok = !d_xlate || d_hit;
  wire [31:0] data_pa = d_xlate ? d_pa : ea;
  wire mem_issue = ex_mem && d_ok && !sc_fails;

  // ---- trap selection ----
  always_comb begin
    trap_take = 1'b0; trap_irq = 1'b0; trap_code = 5'd0; trap_tval = 32'd0;
    if (state == S_FETCH && irq_pending) begin
      trap_take = 1'b1; trap_irq = 1'b1; trap_code = irq_code;
    end else if (state == S_EXEC && bus_ack && bus_err) begin
      trap_take = 1'b1; trap_code = EXC_IACCESS; trap_tval = pc;
    end else if (ex_exc) begin
      trap_take = 1'b1; trap_code = ex_cause; trap_tval = ex_tval;
    end else if (mem_fault) begin
      trap_take = 1'b1; trap_tval = mem_va;
      trap_code = (ir[6:0] == OP_LOAD || ir[31:27] == 5'b00010) ? EXC_LACCESS : EXC_SACCESS;
    end else if (state == S_WALK && walk_done && (walk_pfault || walk_afault)) begin
      trap_take = 1'b1; trap_tval = walk_va;
      unique case (walk_acc_q)
        ACC_FETCH: trap_code = walk_pfault ? EXC_IPAGE : EXC_IACCESS;
        ACC_LOAD:  trap_code = walk_pfault ? EXC_LPAGE : EXC_LACCESS;
        default:   trap_code = walk_pfault ? EXC_SPAGE : EXC_SACCESS;
      endcase
    end
  end
  assign retire = complete;
  assign ifence = ex_done && opcode == OP_FENCE && f3 == 3'd1;

  // ---- walker requests ----
  always_comb begin
    walk_start = 1'b0; walk_va = mem_va; walk_acc = walk_acc_q; walk_priv = eff_priv;
    if (state == S_FETCH && !irq_pending && !fetch_ok) begin
      walk_start = 1'b1; walk_va = pc; walk_acc = ACC_FETCH; walk_priv = priv;
    end else if (ex_mem && !d_ok && !sc_fails) begin
      walk_start = 1'b1; walk_va = ea; walk_acc = mem_writes ? ACC_STORE : ACC_LOAD;
    end else if (state == S_WALK) begin
      walk_va = walk_fetch ? pc : mem_va;
    end
  end

  // ---- bus ----
  always_comb begin
    bus_req = 1'b0; bus_ifetch = 1'b0; bus_we = 1'b0; bus_addr = {fetch_pa[31:2], 2'b00};
    bus_wdata = rs2v << {ea[1:0], 3'b000}; bus_wstrb = 4'b0000;
    if (state == S_WALK) begin
      bus_req = mmu_req; bus_we = mmu_we; bus_addr = mmu_addr; bus_wdata = mmu_wdata;
      bus_wstrb = 4'b1111;
    end else if (mem_issue) begin
      bus_req = 1'b1; bus_addr = {data_pa[31:2], 2'b00};
      bus_we = is_store || is_sc;
      // A load's byte lanes too: a device may act on which bytes are read (the 16550's RBR).
      bus_wstrb = store_strobe(msize, ea[1:0]);
    end else if (state == S_MEM && bus_ack && !bus_err && !mem_done) begin
      // AMO read returned: write back the combined value in the same cycle.
      bus_req = 1'b1; bus_we = 1'b1; bus_addr = mem_pa;
      bus_wdata = amo(ir[31:27], bus_rdata, rf[ir[24:20]] & {32{ir[24:20] != 5'd0}});
      bus_wstrb = 4'b1111;
    end else if (fetch_now) begin
      bus_req = 1'b1;
      bus_ifetch = 1'b1;
    end
  end

  // ---- state update ----
  always_ff @(posedge clk) begin
    if (rst) begin
      state <= S_FETCH;
      pc <= reset_pc;
      resv_valid <= 1'b0;
      stall <= 6'd0;
    end else begin
      if (complete_wb && complete_rd != 5'd0) rf[complete_rd] <= complete_wdata;
      if (inst_valid) ir <= inst;
      if (trap_take) begin
        pc <= trap_pc;
        state <= S_FETCH;
        resv_valid <= 1'b0;
      end else begin
        unique case (state)
          S_FETCH: if (!irq_pending) state <= fetch_ok ? S_EXEC : S_WALK;
          S_WALK: if (walk_done) state <= walk_fetch ? S_FETCH : S_REEXEC;
          S_MEM: if (bus_ack && !mem_done) begin
            amo_old <= bus_rdata;
            state <= S_AMOW;
          end
          default: ;
        endcase
        if (state == S_FETCH) walk_fetch <= 1'b1;
        if (state == S_FETCH) walk_acc_q <= ACC_FETCH;
        if (ex_mem && !sc_fails) begin
          mem_va <= ea;
          mem_pa <= {data_pa[31:2], 2'b00};
          walk_fetch <= 1'b0;
          walk_acc_q <= mem_writes ? ACC_STORE : ACC_LOAD;
          state <= d_ok ? S_MEM : S_WALK;
          if (is_lr && d_ok) begin resv_valid <= 1'b1; resv_addr <= ea; end
          if (is_sc && d_ok) resv_valid <= 1'b0;
        end
        if (ex_mem && sc_fails) resv_valid <= 1'b0;
        if (ex_stall) begin
          stall <= ex_stall_n;
          state <= S_STALL;
        end
        if (state == S_STALL) stall <= stall - 6'd1;
        if (ex_wfi) state <= S_WFI;
        if (complete) begin
          pc <= complete_pc;
          state <= fast_fetch ? S_EXEC : S_FETCH;
        end
      end
    end
  end

endmodule
