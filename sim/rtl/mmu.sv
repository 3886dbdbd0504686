// Sv32 translation: separate instruction and data TLBs (fully associative, round-robin refill,
// optionally ASID-tagged) and a hardware page walker that sets A and D in memory, as QEMU
// does, so both platforms see the same page tables after a run. With HW_AD=0 (the betrusted
// SoC: VexRiscv's MmuPlugin) the walker never writes: a leaf with A clear, or a store to a leaf
// with D clear, is a page fault, and software must set A and D itself.
//
// sfence.vma: with SFENCE_VA=0 (the default: the model as it was) every sfence.vma empties
// both TLBs, whatever its operands. With SFENCE_VA=1 it drops only what the privileged spec
// (4.2.1) requires: rs1 != x0 only the entries translating that address, rs2 != x0 only
// non-global entries of that ASID (any ASID when entries are untagged), both x0 everything. A
// satp write that flushes (TLB_ASID=0) always empties both.
//
// A TLB "hit" means "this access may proceed with this physical address": an entry whose
// permissions would refuse the access, or a store to a page not yet dirty, is reported as a
// miss, and the walker then decides between a fault and a refill. So faults always reflect the
// page tables in memory, never a stale entry's permissions.
module mmu
  import courier_pkg::*;
#(
  parameter int  TLB_ENTRIES = 4,
  parameter bit  TLB_ASID = 1'b1,
  parameter bit  HW_AD = 1'b1,
  parameter bit  SFENCE_VA = 1'b0
)(
  input  logic        clk,
  input  logic        rst,
  input  logic [31:0] satp,
  input  logic        sum,
  input  logic        mxr,
  input  logic        flush,
  // The flush is an sfence.vma (else a satp write): its operands, as the spec names them.
  input  logic        flush_sfence,
  input  logic        flush_va_en,    // rs1 != x0: only this address
  input  logic [31:0] flush_va,
  input  logic        flush_asid_en,  // rs2 != x0: only this ASID's non-global entries
  input  logic [8:0]  flush_asid,
  // Instruction side lookup
  input  logic [31:0] i_va,
  input  logic [1:0]  i_priv,
  output logic        i_hit,
  output logic [31:0] i_pa,
  // Data side lookup
  input  logic [31:0] d_va,
  input  logic [1:0]  d_priv,
  input  logic        d_store,
  output logic        d_hit,
  output logic [31:0] d_pa,
  // Walker: start with the access that missed; done pulses with the outcome.
  input  logic        walk_start,
  input  logic [31:0] walk_va,
  input  logic [1:0]  walk_acc,
  input  logic [1:0]  walk_priv,
  output logic        walk_done,
  output logic        walk_pfault,
  output logic        walk_afault,
  output logic        walk_busy,
  output logic        bus_req,
  output logic        bus_we,
  output logic [31:0] bus_addr,
  output logic [31:0] bus_wdata,
  input  logic        bus_ready,    // the memory port accepts a request this cycle
  input  logic        bus_ack,
  input  logic        bus_err,
  input  logic [31:0] bus_rdata
);

  typedef struct packed {
    logic        mega;
    logic        g;
    logic [8:0]  asid;
    logic [19:0] vpn;
    logic [21:0] ppn;
    logic        r, w, x, u, d;
  } tlb_entry_t;

  // Valid bits live apart from the entries so a flush or an invalidation is one vector update
  // (field-wise writes into an array of structs cost the simulation every cycle).
  tlb_entry_t itlb[TLB_ENTRIES];
  tlb_entry_t dtlb[TLB_ENTRIES];
  logic [TLB_ENTRIES-1:0] ivalid, dvalid;
  localparam int VW = (TLB_ENTRIES > 1) ? $clog2(TLB_ENTRIES) : 1;
  localparam logic [VW-1:0] LAST = VW'(TLB_ENTRIES - 1);
  logic [VW-1:0] ivictim, dvictim;

  wire [8:0] cur_asid = satp[30:22];

  // The permission rule of the privileged spec, section 4.3.1 step 5, for one leaf PTE.
  function automatic logic allowed(input logic r, input logic w, input logic x, input logic u,
                                   input logic [1:0] acc, input logic [1:0] pv,
                                   input logic sum_i, input logic mxr_i);
    logic ok;
    unique case (acc)
      ACC_FETCH: ok = x;
      ACC_LOAD:  ok = r || (mxr_i && x);
      default:   ok = w && r;
    endcase
    if (pv == PRIV_U && !u) ok = 1'b0;
    if (pv == PRIV_S && u && (acc == ACC_FETCH || !sum_i)) ok = 1'b0;
    return ok;
  endfunction

  function automatic logic tlb_match(input tlb_entry_t e, input logic [31:0] va);
    return (e.mega ? e.vpn[19:10] == va[31:22] : e.vpn == va[31:12])
        && (!TLB_ASID || e.g || e.asid == cur_asid);
  endfunction

  function automatic logic [31:0] phys(input tlb_entry_t e, input logic [31:0] va);
    return e.mega ? {e.ppn[19:10], va[21:0]} : {e.ppn[19:0], va[11:0]};
  endfunction

  // At most one entry matches an address (a refill replaces entries for the same page), so
  // find it first and check permissions once: cheaper to simulate than checking every entry.
  logic          i_match, d_match;
  logic [VW-1:0] i_k, d_k;
  always_comb begin
    i_match = 1'b0;
    i_k = '0;
    d_match = 1'b0;
    d_k = '0;
    // Lookups are skipped while translation is off: they would run every simulated cycle.
    if (satp[31]) begin
      for (int k = 0; k < TLB_ENTRIES; k++) begin
        if (ivalid[k]) begin
          if (tlb_match(itlb[k], i_va)) begin i_match = 1'b1; i_k = VW'(k); end
        end
        if (dvalid[k]) begin
          if (tlb_match(dtlb[k], d_va)) begin d_match = 1'b1; d_k = VW'(k); end
        end
      end
    end
    i_hit = 1'b0;
    i_pa = i_va;
    if (i_match) begin
      i_hit = allowed(itlb[i_k].r, itlb[i_k].w, itlb[i_k].x, itlb[i_k].u, ACC_FETCH, i_priv,
                      sum, mxr);
      i_pa = phys(itlb[i_k], i_va);
    end
    d_hit = 1'b0;
    d_pa = d_va;
    if (d_match) begin
      d_hit = (!d_store || dtlb[d_k].d)
           && allowed(dtlb[d_k].r, dtlb[d_k].w, dtlb[d_k].x, dtlb[d_k].u,
                      d_store ? ACC_STORE : ACC_LOAD, d_priv, sum, mxr);
      d_pa = phys(dtlb[d_k], d_va);
    end
  end

  // The entries of one TLB an sfence.vma with SFENCE_VA=1 drops.
  function automatic logic [TLB_ENTRIES-1:0] fenced(input logic fetch_side);
    logic [TLB_ENTRIES-1:0] m;
    for (int k = 0; k < TLB_ENTRIES; k++) begin
      tlb_entry_t e;
      e = fetch_side ? itlb[k] : dtlb[k];
      m[k] = (!flush_va_en || (e.mega ? e.vpn[19:10] == flush_va[31:22] : e.vpn == flush_va[31:12]))
          && (!flush_asid_en || (!e.g && (!TLB_ASID || e.asid == flush_asid)));
    end
    return m;
  endfunction
  wire selective = SFENCE_VA && flush_sfence;
  wire [TLB_ENTRIES-1:0] ikeep = selective ? ~fenced(1'b1) : '0;
  wire [TLB_ENTRIES-1:0] dkeep = selective ? ~fenced(1'b0) : '0;

  // ---- the walker ----
  typedef enum logic [2:0] {W_IDLE, W_L1, W_L0, W_UPD, W_FILL} wstate_t;
  wstate_t ws;
  logic [31:0] va;
  logic [1:0]  acc, wpriv;
  logic        level;     // 1 while reading the first-level PTE
  logic [31:0] pte, pte_addr;
  logic        waiting;
  logic        stale;     // a flush happened during this walk

  // Entries of one TLB that translate the walked address (replaced by the new entry).
  function automatic logic [TLB_ENTRIES-1:0] same_page(input logic fetch_side);
    logic [TLB_ENTRIES-1:0] m;
    for (int k = 0; k < TLB_ENTRIES; k++)
      m[k] = tlb_match(fetch_side ? itlb[k] : dtlb[k], va);
    return m;
  endfunction

  wire [31:0] rp = bus_rdata;
  wire leaf = rp[1] || rp[3];
  wire bad_pte = !rp[0] || (!rp[1] && rp[2]);
  wire [31:0] new_pte = pte | 32'h40 | ((acc == ACC_STORE) ? 32'h80 : 32'h0);

  wire in_access = ws == W_L1 || ws == W_L0 || ws == W_UPD;
  wire issue = in_access && !waiting && bus_ready;
  // The answer may come in the cycle of the request (a data-cache hit on the pipelined core).
  wire got = in_access && (waiting || issue) && bus_ack;
  assign walk_busy = ws != W_IDLE;
  always_comb begin
    bus_req = issue;
    bus_we = (ws == W_UPD);
    bus_addr = pte_addr;
    bus_wdata = new_pte;
  end

  // Faults of a walk overtaken by a flush are not reported: the requester walks again.
  logic pfault_q, afault_q;
  assign walk_pfault = pfault_q && !stale;
  assign walk_afault = afault_q && !stale;

  always_ff @(posedge clk) begin
    walk_done <= 1'b0;
    pfault_q <= 1'b0;
    afault_q <= 1'b0;
    if (rst) begin
      ws <= W_IDLE;
      waiting <= 1'b0;
      ivictim <= '0;
      dvictim <= '0;
      ivalid <= '0;
      dvalid <= '0;
      stale <= 1'b0;
    end else begin
      if (flush) begin
        ivalid <= ivalid & ikeep;
        dvalid <= dvalid & dkeep;
        // A walk that read the tables before the flush must not refill from them.
        if (ws != W_IDLE) stale <= 1'b1;
      end
      unique case (ws)
        W_IDLE: if (walk_start) begin
          va <= walk_va;
          acc <= walk_acc;
          wpriv <= walk_priv;
          level <= 1'b1;
          stale <= 1'b0;
          pte_addr <= {satp[19:0], 12'd0} + {20'd0, walk_va[31:22], 2'b00};
          ws <= W_L1;
        end
        W_L1, W_L0: begin
          if (issue && !got) waiting <= 1'b1;
          else if (got) begin
            waiting <= 1'b0;
            pte <= rp;
            if (bus_err) begin
              walk_done <= 1'b1; afault_q <= 1'b1; ws <= W_IDLE;
            end else if (bad_pte || (!leaf && ws == W_L0)) begin
              walk_done <= 1'b1; pfault_q <= 1'b1; ws <= W_IDLE;
            end else if (!leaf) begin
              level <= 1'b0;
              pte_addr <= {rp[29:10], 12'd0} + {20'd0, va[21:12], 2'b00};
              ws <= W_L0;
            end else if ((ws == W_L1 && rp[19:10] != 10'd0)
                         || !allowed(rp[1], rp[2], rp[3], rp[4], acc, wpriv, sum, mxr)) begin
              walk_done <= 1'b1; pfault_q <= 1'b1; ws <= W_IDLE;
            end else if (!rp[6] || (acc == ACC_STORE && !rp[7])) begin
              if (HW_AD) ws <= W_UPD;
              else begin
                walk_done <= 1'b1; pfault_q <= 1'b1; ws <= W_IDLE;
              end
            end else begin
              ws <= W_FILL;
            end
          end
        end
        W_UPD: begin
          if (issue && !got) waiting <= 1'b1;
          else if (got) begin
            waiting <= 1'b0;
            pte <= new_pte;
            if (bus_err) begin
              walk_done <= 1'b1; afault_q <= 1'b1; ws <= W_IDLE;
            end else ws <= W_FILL;
          end
        end
        W_FILL: begin
          tlb_entry_t e;
          e.mega = level;
          e.g = pte[5];
          e.asid = cur_asid;
          e.vpn = va[31:12];
          e.ppn = pte[31:10];
          e.r = pte[1]; e.w = pte[2]; e.x = pte[3]; e.u = pte[4]; e.d = pte[7];
          // A re-walk for the same page (permission upgrade, first store) replaces the
          // stale entry instead of adding a second match.
          if (stale || flush) begin
            // dropped: the requester retries and walks the current tables
          end else if (acc == ACC_FETCH) begin
            ivalid <= (ivalid & ~same_page(1'b1)) | (TLB_ENTRIES'(1) << ivictim);
            itlb[ivictim] <= e;
            ivictim <= (ivictim == LAST) ? '0 : ivictim + 1'b1;
          end else begin
            dvalid <= (dvalid & ~same_page(1'b0)) | (TLB_ENTRIES'(1) << dvictim);
            dtlb[dvictim] <= e;
            dvictim <= (dvictim == LAST) ? '0 : dvictim + 1'b1;
          end
          walk_done <= 1'b1;
          ws <= W_IDLE;
        end
        default: ws <= W_IDLE;
      endcase
    end
  end

endmodule
