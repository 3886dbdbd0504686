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
