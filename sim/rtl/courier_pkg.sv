// Shared constants of Courier's RV32IMA core: privilege levels, opcodes, trap causes and the
// CSR numbers the core implements. One place so the decoder, the CSR file and the MMU agree.
package courier_pkg;

  localparam logic [1:0] PRIV_U = 2'd0;
  localparam logic [1:0] PRIV_S = 2'd1;
  localparam logic [1:0] PRIV_M = 2'd3;

  localparam logic [6:0] OP_LUI    = 7'b0110111;
  localparam logic [6:0] OP_AUIPC  = 7'b0010111;
  localparam logic [6:0] OP_JAL    = 7'b1101111;
  localparam logic [6:0] OP_JALR   = 7'b1100111;
  localparam logic [6:0] OP_BRANCH = 7'b1100011;
  localparam logic [6:0] OP_LOAD   = 7'b0000011;
  localparam logic [6:0] OP_STORE  = 7'b0100011;
  localparam logic [6:0] OP_IMM    = 7'b0010011;
  localparam logic [6:0] OP_REG    = 7'b0110011;
  localparam logic [6:0] OP_FENCE  = 7'b0001111;
  localparam logic [6:0] OP_SYSTEM = 7'b1110011;
  localparam logic [6:0] OP_AMO    = 7'b0101111;

  // Exception codes (privileged spec table 3.6).
  localparam logic [4:0] EXC_IADDR_MISALIGNED = 5'd0;
  localparam logic [4:0] EXC_IACCESS          = 5'd1;
  localparam logic [4:0] EXC_ILLEGAL          = 5'd2;
  localparam logic [4:0] EXC_BREAKPOINT       = 5'd3;
  localparam logic [4:0] EXC_LADDR_MISALIGNED = 5'd4;
  localparam logic [4:0] EXC_LACCESS          = 5'd5;
  localparam logic [4:0] EXC_SADDR_MISALIGNED = 5'd6;
  localparam logic [4:0] EXC_SACCESS          = 5'd7;
  localparam logic [4:0] EXC_ECALL_U          = 5'd8;
  localparam logic [4:0] EXC_ECALL_S          = 5'd9;
  localparam logic [4:0] EXC_ECALL_M          = 5'd11;
  localparam logic [4:0] EXC_IPAGE            = 5'd12;
  localparam logic [4:0] EXC_LPAGE            = 5'd13;
  localparam logic [4:0] EXC_SPAGE            = 5'd15;

  // Interrupt codes, also the bit positions in mip/mie.
  localparam int IRQ_SS = 1;
  localparam int IRQ_MS = 3;
  localparam int IRQ_ST = 5;
  localparam int IRQ_MT = 7;
  localparam int IRQ_SE = 9;
  localparam int IRQ_ME = 11;

  // Memory access kinds seen by the MMU: they pick the permission bit and the fault cause.
  localparam logic [1:0] ACC_FETCH = 2'd0;
  localparam logic [1:0] ACC_LOAD  = 2'd1;
  localparam logic [1:0] ACC_STORE = 2'd2;

  localparam logic [11:0] CSR_SSTATUS    = 12'h100;
  localparam logic [11:0] CSR_SIE        = 12'h104;
  localparam logic [11:0] CSR_STVEC      = 12'h105;
  localparam logic [11:0] CSR_SCOUNTEREN = 12'h106;
  localparam logic [11:0] CSR_SSCRATCH   = 12'h140;
  localparam logic [11:0] CSR_SEPC       = 12'h141;
  localparam logic [11:0] CSR_SCAUSE     = 12'h142;
  localparam logic [11:0] CSR_STVAL      = 12'h143;
  localparam logic [11:0] CSR_SIP        = 12'h144;
  localparam logic [11:0] CSR_SATP       = 12'h180;
  localparam logic [11:0] CSR_MSTATUS    = 12'h300;
  localparam logic [11:0] CSR_MISA       = 12'h301;
  localparam logic [11:0] CSR_MEDELEG    = 12'h302;
  localparam logic [11:0] CSR_MIDELEG    = 12'h303;
  localparam logic [11:0] CSR_MIE        = 12'h304;
  localparam logic [11:0] CSR_MTVEC      = 12'h305;
  localparam logic [11:0] CSR_MCOUNTEREN = 12'h306;
  localparam logic [11:0] CSR_MSTATUSH   = 12'h310;
  localparam logic [11:0] CSR_MSCRATCH   = 12'h340;
  localparam logic [11:0] CSR_MEPC       = 12'h341;
  localparam logic [11:0] CSR_MCAUSE     = 12'h342;
  localparam logic [11:0] CSR_MTVAL      = 12'h343;
  localparam logic [11:0] CSR_MIP        = 12'h344;
  localparam logic [11:0] CSR_MCYCLE     = 12'hB00;
  localparam logic [11:0] CSR_MINSTRET   = 12'hB02;
  localparam logic [11:0] CSR_MCYCLEH    = 12'hB80;
  localparam logic [11:0] CSR_MINSTRETH  = 12'hB82;
  localparam logic [11:0] CSR_CYCLE      = 12'hC00;
  localparam logic [11:0] CSR_TIME       = 12'hC01;
  localparam logic [11:0] CSR_INSTRET    = 12'hC02;
  localparam logic [11:0] CSR_CYCLEH     = 12'hC80;
  localparam logic [11:0] CSR_TIMEH      = 12'hC81;
  localparam logic [11:0] CSR_INSTRETH   = 12'hC82;
  localparam logic [11:0] CSR_MVENDORID  = 12'hF11;
  localparam logic [11:0] CSR_MARCHID    = 12'hF12;
  localparam logic [11:0] CSR_MIMPID     = 12'hF13;
  localparam logic [11:0] CSR_MHARTID    = 12'hF14;
  // Debug spec (Sdtrig) trigger registers
  localparam logic [11:0] CSR_TSELECT    = 12'h7A0;
  localparam logic [11:0] CSR_TDATA1     = 12'h7A1;
  localparam logic [11:0] CSR_TDATA2     = 12'h7A2;
  localparam logic [11:0] CSR_TDATA3     = 12'h7A3;
  localparam logic [11:0] CSR_TINFO      = 12'h7A4;
  // VexRiscv's external interrupt array (the Betrusted SoC only).
  localparam logic [11:0] CSR_SIM_MASK   = 12'h9C0;
  localparam logic [11:0] CSR_SIP_ARRAY  = 12'hDC0;
  localparam logic [11:0] CSR_MIM_MASK   = 12'hBC0;
  localparam logic [11:0] CSR_MIP_ARRAY  = 12'hFC0;

  // mstatus bits this core implements (no F/V state, little-endian only).
  localparam int MS_SIE = 1, MS_MIE = 3, MS_SPIE = 5, MS_MPIE = 7, MS_SPP = 8;
  localparam int MS_MPRV = 17, MS_SUM = 18, MS_MXR = 19, MS_TVM = 20, MS_TW = 21, MS_TSR = 22;
  localparam logic [31:0] MSTATUS_WMASK = 32'h007E_19AA;  // SIE..TSR incl. MPP[12:11]
  localparam logic [31:0] SSTATUS_MASK  = 32'h000C_0122;  // SIE, SPIE, SPP, SUM, MXR
  localparam logic [31:0] S_INTS        = 32'h0000_0222;  // SSIP, STIP, SEIP
  localparam logic [31:0] ALL_INTS      = 32'h0000_0AAA;
  // Exceptions S-mode may handle: everything but ecall from M and the reserved codes.
  localparam logic [31:0] MEDELEG_MASK  = 32'h0000_B3FF;
  // rv32 (MXL=1) with A, I, M, S, U.
  localparam logic [31:0] MISA_VALUE    = 32'h4014_1101;

  // The Betrusted SoC's cached memory: boot ROM 0x8000_0000 (64 KiB), SPI flash 0x2000_0000
  // (128 MiB), SRAM 0x4000_0000 (sram_bytes). Everything else is a device or unmapped.
  function automatic logic betrusted_cached(input logic [31:0] a, input int sram_bytes);
    return a[31:16] == 16'h8000 || a[31:27] == 5'b00100
        || (a[31:28] == 4'h4 && a[27:0] < 28'(sram_bytes));
  endfunction
  // Of those, the one the core may write (ROM and flash are read-only).
  function automatic logic betrusted_sram(input logic [31:0] a, input int sram_bytes);
    return a[31:28] == 4'h4 && a[27:0] < 28'(sram_bytes);
  endfunction

endpackage
