// Instruction decode for the pipelined core: one function from an instruction word to the
// control bits every later stage needs, so ID decodes once and EX/MEM read fields, and the
// static branch prediction rule (backward branches and JAL taken) used by fetch and by execute.
package decode_pkg;
  import courier_pkg::*;

  typedef struct packed {
    logic illegal;     // not an RV32IMA/Zicsr/Zifencei/privileged encoding
    logic uses_rs1;
    logic uses_rs2;
    logic writes_rd;
    logic alu_imm;     // OP-IMM
    logic alu_reg;     // OP (not M)
    logic muldiv;
    logic lui;
    logic auipc;
    logic jal;
    logic jalr;
    logic branch;
    logic load;
    logic store;
    logic amo;         // any A-extension instruction, including LR/SC
    logic lr;
    logic sc;
    logic csr;
    logic ecall;
    logic ebreak;
    logic mret;
    logic sret;
    logic wfi;
    logic sfence;
    logic fence_i;
    logic rvc;         // expanded from a 16-bit instruction: the next pc is pc + 2
  } ctl_t;

  function automatic ctl_t decode(input logic [31:0] inst);
    ctl_t c;
    logic [6:0] op;
    logic [2:0] f3;
    logic [6:0] f7;
    logic [4:0] f5;
    op = inst[6:0];
    f3 = inst[14:12];
    f7 = inst[31:25];
    f5 = inst[31:27];
    c = '0;
    unique case (op)
      OP_LUI:   begin c.lui = 1'b1; c.writes_rd = 1'b1; end
      OP_AUIPC: begin c.auipc = 1'b1; c.writes_rd = 1'b1; end
      OP_JAL:   begin c.jal = 1'b1; c.writes_rd = 1'b1; end
      OP_JALR:  begin c.jalr = 1'b1; c.writes_rd = 1'b1; c.uses_rs1 = 1'b1; c.illegal = f3 != 3'd0; end
      OP_BRANCH: begin
        c.branch = 1'b1; c.uses_rs1 = 1'b1; c.uses_rs2 = 1'b1;
        c.illegal = f3 == 3'd2 || f3 == 3'd3;
      end
      OP_LOAD: begin
        c.load = 1'b1; c.uses_rs1 = 1'b1; c.writes_rd = 1'b1;
        c.illegal = f3 == 3'd3 || f3 == 3'd6 || f3 == 3'd7;
      end
      OP_STORE: begin
        c.store = 1'b1; c.uses_rs1 = 1'b1; c.uses_rs2 = 1'b1; c.illegal = f3 > 3'd2;
      end
      OP_IMM: begin
        c.alu_imm = 1'b1; c.uses_rs1 = 1'b1; c.writes_rd = 1'b1;
        c.illegal = (f3 == 3'd1 && f7 != 7'd0) || (f3 == 3'd5 && f7 != 7'd0 && f7 != 7'h20);
      end
      OP_REG: begin
        c.uses_rs1 = 1'b1; c.uses_rs2 = 1'b1; c.writes_rd = 1'b1;
        if (f7 == 7'd1) c.muldiv = 1'b1;
        else begin
          c.alu_reg = 1'b1;
          c.illegal = !(f7 == 7'd0 || (f7 == 7'h20 && (f3 == 3'd0 || f3 == 3'd5)));
        end
      end
      OP_AMO: begin
        c.amo = 1'b1; c.uses_rs1 = 1'b1; c.uses_rs2 = f5 != 5'b00010; c.writes_rd = 1'b1;
        c.lr = f5 == 5'b00010;
        c.sc = f5 == 5'b00011;
        c.illegal = f3 != 3'd2 || !alu_pkg::amo_funct_ok(f5) || (c.lr && inst[24:20] != 5'd0);
      end
      OP_FENCE: begin
        c.fence_i = f3 == 3'd1;
        c.illegal = f3 > 3'd1;
      end
      OP_SYSTEM: begin
        if (f3 != 3'd0 && f3 != 3'd4) begin
          c.csr = 1'b1; c.writes_rd = 1'b1; c.uses_rs1 = !f3[2];
        end else if (inst == 32'h0000_0073) c.ecall = 1'b1;
        else if (inst == 32'h0010_0073) c.ebreak = 1'b1;
        else if (inst == 32'h3020_0073) c.mret = 1'b1;
        else if (inst == 32'h1020_0073) c.sret = 1'b1;
        else if (inst == 32'h1050_0073) c.wfi = 1'b1;
        else if (f7 == 7'b0001001 && inst[11:7] == 5'd0 && f3 == 3'd0) begin
          c.sfence = 1'b1; c.uses_rs1 = 1'b1; c.uses_rs2 = 1'b1;
        end else c.illegal = 1'b1;
      end
      default: c.illegal = 1'b1;
    endcase
    if (inst[11:7] == 5'd0) c.writes_rd = 1'b0;
    return c;
  endfunction

  // ---- RV32C: expansion of a 16-bit instruction into the 32-bit one it stands for ----
  // (unprivileged spec, "C" chapter, RVC 2.0). The rest of the pipeline sees only the expanded
  // form plus ctl_t.rvc. `ok` is clear for the reserved and illegal encodings: the all-zero
  // word, C.ADDI4SPN with a zero immediate, C.LWSP with rd = 0, C.JR with rs1 = 0, C.ADDI16SP
  // and C.LUI with a zero immediate, shifts with shamt[5] set (RV32: reserved), the F/D
  // loads and stores (no F or D here), C.SUBW/C.ADDW (RV64 only) and quadrant 1's reserved
  // ALU codes. HINTs (rd = 0 forms, C.NOP with an immediate, zero shifts) expand to
  // instructions that write x0 or change nothing, as the spec asks.
  typedef struct packed {
    logic        ok;
    logic [31:0] inst;
  } rvc_t;

  function automatic logic [31:0] enc_i(input logic [11:0] imm, input logic [4:0] rs1,
                                        input logic [2:0] f3, input logic [4:0] rd,
                                        input logic [6:0] op);
    return {imm, rs1, f3, rd, op};
  endfunction
  function automatic logic [31:0] enc_s(input logic [11:0] imm, input logic [4:0] rs2,
                                        input logic [4:0] rs1, input logic [2:0] f3);
    return {imm[11:5], rs2, rs1, f3, imm[4:0], OP_STORE};
  endfunction
  function automatic logic [31:0] enc_r(input logic [6:0] f7, input logic [4:0] rs2,
                                        input logic [4:0] rs1, input logic [2:0] f3,
                                        input logic [4:0] rd);
    return {f7, rs2, rs1, f3, rd, OP_REG};
  endfunction
  function automatic logic [31:0] enc_j(input logic [20:0] off, input logic [4:0] rd);
    return {off[20], off[10:1], off[11], off[19:12], rd, OP_JAL};
  endfunction
  function automatic logic [31:0] enc_b(input logic [12:0] off, input logic [4:0] rs1,
                                        input logic [2:0] f3);
    return {off[12], off[10:5], 5'd0, rs1, f3, off[4:1], off[11], OP_BRANCH};
  endfunction

  function automatic rvc_t expand(input logic [15:0] c);
    rvc_t r;
    logic [4:0]  rd, rs2, rdp, rs2p;
    logic [11:0] imm6, lw_off, lwsp_off, swsp_off, a4spn;
    logic [20:0] j_off;
    logic [12:0] b_off;
    logic [9:0]  a16sp;
    logic [5:0]  shamt;
    rd = c[11:7];
    rs2 = c[6:2];
    rdp = {2'b01, c[9:7]};                       // rd'/rs1' (x8..x15)
    rs2p = {2'b01, c[4:2]};                      // rd'/rs2' of quadrant 0 and C.SUB..C.AND
    imm6 = {{6{c[12]}}, c[12], c[6:2]};          // C.ADDI, C.LI, C.ANDI
    shamt = {c[12], c[6:2]};
    lw_off = {5'd0, c[5], c[12:10], c[6], 2'b00};
    lwsp_off = {4'd0, c[3:2], c[12], c[6:4], 2'b00};
    swsp_off = {4'd0, c[8:7], c[12:9], 2'b00};
    a4spn = {2'd0, c[10:7], c[12:11], c[5], c[6], 2'b00};
    j_off = {{10{c[12]}}, c[8], c[10:9], c[6], c[7], c[2], c[11], c[5:3], 1'b0};
    b_off = {{5{c[12]}}, c[6:5], c[2], c[11:10], c[4:3], 1'b0};
    a16sp = {c[12], c[4:3], c[5], c[2], c[6], 4'd0};
    r.ok = 1'b0;
    r.inst = 32'd0;
    unique case ({c[1:0], c[15:13]})
      // quadrant 0
      5'b00_000: begin
        r.ok = a4spn != 12'd0;
        r.inst = enc_i(a4spn, 5'd2, 3'd0, rs2p, OP_IMM);                 // C.ADDI4SPN
      end
      5'b00_010: begin r.ok = 1'b1; r.inst = enc_i(lw_off, rdp, 3'd2, rs2p, OP_LOAD); end  // C.LW
      5'b00_110: begin r.ok = 1'b1; r.inst = enc_s(lw_off, rs2p, rdp, 3'd2); end           // C.SW
      // quadrant 1
      5'b01_000: begin r.ok = 1'b1; r.inst = enc_i(imm6, rd, 3'd0, rd, OP_IMM); end        // C.ADDI
      5'b01_001: begin r.ok = 1'b1; r.inst = enc_j(j_off, 5'd1); end                       // C.JAL
      5'b01_010: begin r.ok = 1'b1; r.inst = enc_i(imm6, 5'd0, 3'd0, rd, OP_IMM); end      // C.LI
      5'b01_011: begin
        r.ok = {c[12], c[6:2]} != 6'd0;
        if (rd == 5'd2) r.inst = enc_i({{2{a16sp[9]}}, a16sp}, 5'd2, 3'd0, 5'd2, OP_IMM);  // C.ADDI16SP
        else r.inst = {{15{c[12]}}, c[6:2], rd, OP_LUI};                                   // C.LUI
      end
      5'b01_100: begin
        unique case (c[11:10])
          2'b00: begin r.ok = !c[12]; r.inst = enc_i({7'd0, shamt[4:0]}, rdp, 3'd5, rdp, OP_IMM); end   // C.SRLI
          2'b01: begin r.ok = !c[12]; r.inst = enc_i({7'h20, shamt[4:0]}, rdp, 3'd5, rdp, OP_IMM); end  // C.SRAI
          2'b10: begin r.ok = 1'b1; r.inst = enc_i(imm6, rdp, 3'd7, rdp, OP_IMM); end      // C.ANDI
          default: begin
            r.ok = !c[12];
            unique case (c[6:5])
              2'b00: r.inst = enc_r(7'h20, rs2p, rdp, 3'd0, rdp);                           // C.SUB
              2'b01: r.inst = enc_r(7'h00, rs2p, rdp, 3'd4, rdp);                           // C.XOR
              2'b10: r.inst = enc_r(7'h00, rs2p, rdp, 3'd6, rdp);                           // C.OR
              default: r.inst = enc_r(7'h00, rs2p, rdp, 3'd7, rdp);                         // C.AND
            endcase
          end
        endcase
      end
      5'b01_101: begin r.ok = 1'b1; r.inst = enc_j(j_off, 5'd0); end                       // C.J
      5'b01_110: begin r.ok = 1'b1; r.inst = enc_b(b_off, rdp, 3'd0); end                  // C.BEQZ
      5'b01_111: begin r.ok = 1'b1; r.inst = enc_b(b_off, rdp, 3'd1); end                  // C.BNEZ
      // quadrant 2
      5'b10_000: begin r.ok = !c[12]; r.inst = enc_i({7'd0, shamt[4:0]}, rd, 3'd1, rd, OP_IMM); end  // C.SLLI
      5'b10_010: begin r.ok = rd != 5'd0; r.inst = enc_i(lwsp_off, 5'd2, 3'd2, rd, OP_LOAD); end    // C.LWSP
      5'b10_100: begin
        r.ok = 1'b1;
        if (!c[12] && rs2 == 5'd0) begin
          r.ok = rd != 5'd0;
          r.inst = enc_i(12'd0, rd, 3'd0, 5'd0, OP_JALR);                                  // C.JR
        end else if (!c[12]) r.inst = enc_r(7'd0, rs2, 5'd0, 3'd0, rd);                    // C.MV
        else if (rd == 5'd0 && rs2 == 5'd0) r.inst = 32'h0010_0073;                        // C.EBREAK
        else if (rs2 == 5'd0) r.inst = enc_i(12'd0, rd, 3'd0, 5'd1, OP_JALR);              // C.JALR
        else r.inst = enc_r(7'd0, rs2, rd, 3'd0, rd);                                      // C.ADD
      end
      5'b10_110: begin r.ok = 1'b1; r.inst = enc_s(swsp_off, rs2, 5'd2, 3'd2); end         // C.SWSP
      default: ;  // F/D loads and stores, quadrant 0's reserved code, and c[1:0] = 11
    endcase
    return r;
  endfunction

  // Static prediction: JAL always, conditional branches when they jump backwards.
  function automatic logic predict_taken(input logic [31:0] inst);
    return inst[6:0] == OP_JAL || (inst[6:0] == OP_BRANCH && inst[31]);
  endfunction

  function automatic logic [31:0] predict_target(input logic [31:0] pc, input logic [31:0] inst);
    if (inst[6:0] == OP_JAL)
      return pc + {{11{inst[31]}}, inst[31], inst[19:12], inst[20], inst[30:21], 1'b0};
    return pc + {{19{inst[31]}}, inst[31], inst[7], inst[30:25], inst[11:8], 1'b0};
  endfunction

endpackage
