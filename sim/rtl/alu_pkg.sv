// The datapath functions of the core: integer ALU, M-extension multiply/divide, branch
// comparison, AMO arithmetic and load/store lane handling. Pure functions, so the core's
// control logic stays readable and each rule (division by zero, sign extension) is written once.
package alu_pkg;

  function automatic logic [31:0] alu(input logic [2:0] f3, input logic alt,
                                      input logic [31:0] a, input logic [31:0] b);
    unique case (f3)
      3'd0: return alt ? a - b : a + b;
      3'd1: return a << b[4:0];
      3'd2: return {31'd0, $signed(a) < $signed(b)};
      3'd3: return {31'd0, a < b};
      3'd4: return a ^ b;
      3'd5: return alt ? 32'($signed(a) >>> b[4:0]) : a >> b[4:0];
      3'd6: return a | b;
      default: return a & b;
    endcase
  endfunction

  // Division follows the spec's table 7.1: no traps, x/0 = all ones, x%0 = x, overflow wraps.
  function automatic logic [31:0] muldiv(input logic [2:0] f3, input logic [31:0] a,
                                         input logic [31:0] b);
    logic [63:0] p;
    logic ovf;
    ovf = (a == 32'h8000_0000) && (b == 32'hFFFF_FFFF);
    unique case (f3)
      3'd0: begin p = a * b; return p[31:0]; end
      3'd1: begin p = 64'($signed({{32{a[31]}}, a}) * $signed({{32{b[31]}}, b})); return p[63:32]; end
      3'd2: begin p = 64'($signed({{32{a[31]}}, a}) * $signed({32'd0, b})); return p[63:32]; end
      3'd3: begin p = {32'd0, a} * {32'd0, b}; return p[63:32]; end
      3'd4: return (b == 0) ? 32'hFFFF_FFFF : ovf ? a : 32'($signed(a) / $signed(b));
      3'd5: return (b == 0) ? 32'hFFFF_FFFF : a / b;
      3'd6: return (b == 0) ? a : ovf ? 32'd0 : 32'($signed(a) % $signed(b));
      default: return (b == 0) ? a : a % b;
    endcase
  endfunction

  function automatic logic branch_taken(input logic [2:0] f3, input logic [31:0] a,
                                        input logic [31:0] b);
    unique case (f3)
      3'd0: return a == b;
      3'd1: return a != b;
      3'd4: return $signed(a) < $signed(b);
      3'd5: return $signed(a) >= $signed(b);
      3'd6: return a < b;
      default: return a >= b;
    endcase
  endfunction

  function automatic logic [31:0] amo(input logic [4:0] f5, input logic [31:0] mem,
                                      input logic [31:0] src);
    unique case (f5)
      5'b00001: return src;
      5'b00000: return mem + src;
      5'b00100: return mem ^ src;
      5'b01100: return mem & src;
      5'b01000: return mem | src;
      5'b10000: return ($signed(mem) < $signed(src)) ? mem : src;
      5'b10100: return ($signed(mem) < $signed(src)) ? src : mem;
      5'b11000: return (mem < src) ? mem : src;
      default:  return (mem < src) ? src : mem;
    endcase
  endfunction

  function automatic logic amo_funct_ok(input logic [4:0] f5);
    unique case (f5)
      5'b00010, 5'b00011, 5'b00001, 5'b00000, 5'b00100, 5'b01100, 5'b01000, 5'b10000,
      5'b10100, 5'b11000, 5'b11100: return 1'b1;
      default: return 1'b0;
    endcase
  endfunction

  // Loaded word -> register value for lb/lh/lw/lbu/lhu at byte offset off.
  function automatic logic [31:0] load_extract(input logic [2:0] f3, input logic [1:0] off,
                                               input logic [31:0] w);
    logic [31:0] s;
    s = w >> {off, 3'b000};
    unique case (f3)
      3'd0: return {{24{s[7]}}, s[7:0]};
      3'd1: return {{16{s[15]}}, s[15:0]};
      3'd4: return {24'd0, s[7:0]};
      3'd5: return {16'd0, s[15:0]};
      default: return s;
    endcase
  endfunction

  function automatic logic [3:0] store_strobe(input logic [1:0] size, input logic [1:0] off);
    unique case (size)
      2'd0: return 4'b0001 << off;
      2'd1: return 4'b0011 << off;
      default: return 4'b1111;
    endcase
  endfunction

  function automatic logic misaligned(input logic [1:0] size, input logic [1:0] off);
    return (size == 2'd1 && off[0]) || (size == 2'd2 && off != 2'd0);
  endfunction

endpackage
