/// Builds eBPF programs instruction by instruction, with named forward and backward jump targets, for
/// the programs FastPath loads itself (the emulated NIC's steering). Only what those programs use:
/// 64-bit ALU, loads and stores, atomic add, conditional jumps, helper calls and map references.
/// The kernel's verifier checks the result when it is loaded.
public struct BPFAssembler: Sendable {
    /// A register, r0 (return value) to r10 (frame pointer, read-only).
    public struct Register: Sendable, Equatable {
        let number: UInt8
        /// r0 … r9.
        public static let r0 = Register(number: 0), r1 = Register(number: 1), r2 = Register(number: 2)
        public static let r3 = Register(number: 3), r4 = Register(number: 4), r5 = Register(number: 5)
        public static let r6 = Register(number: 6), r7 = Register(number: 7), r8 = Register(number: 8)
        public static let r9 = Register(number: 9)
        /// The frame pointer: the stack is the 512 bytes below it.
        public static let fp = Register(number: 10)
    }

    /// A memory access width.
    public enum Size: UInt8, Sendable {
        case byte = 0x10, half = 0x08, word = 0x00, double = 0x18
    }

    /// A 64-bit ALU operation.
    public enum Operation: UInt8, Sendable {
        case add = 0x00, sub = 0x10, or = 0x40, and = 0x50, lsh = 0x60, rsh = 0x70, xor = 0xA0, mov = 0xB0
    }

    /// A jump condition (unsigned comparisons).
    public enum Condition: UInt8, Sendable {
        case always = 0x00, equal = 0x10, greater = 0x20, greaterOrEqual = 0x30, anyBitSet = 0x40, notEqual = 0x50
        case less = 0xA0, lessOrEqual = 0xB0
    }

    /// XDP verdicts.
    public enum Verdict: Int32, Sendable {
        case aborted = 0, drop = 1, pass = 2, tx = 3, redirect = 4
    }

    /// Kernel helper functions by number.
    public enum Helper: Int32, Sendable {
        case mapLookupElement = 1, redirect = 23
    }

    private var code: [UInt64] = []
    private var labels: [String: Int] = [:]
    private var fixups: [(index: Int, label: String)] = []

    /// An empty program.
    public init() {}

    private mutating func emit(_ opcode: UInt8, _ dst: Register = .r0, _ src: Register = .r0, off: Int16 = 0, imm: Int32 = 0) {
        var word = UInt64(opcode)
        word |= UInt64(dst.number & 0xF | (src.number & 0xF) << 4) << 8
        word |= UInt64(UInt16(bitPattern: off)) << 16
        word |= UInt64(UInt32(bitPattern: imm)) << 32
        code.append(word)
    }

    /// `dst op= imm`.
    public mutating func alu(_ op: Operation, _ dst: Register, _ imm: Int32) { emit(0x07 | op.rawValue, dst, imm: imm) }
    /// `dst op= src`.
    public mutating func alu(_ op: Operation, _ dst: Register, _ src: Register) { emit(0x07 | 0x08 | op.rawValue, dst, src) }
    /// `dst = *(size *)(src + off)`.
    public mutating func load(_ size: Size, _ dst: Register, _ src: Register, _ off: Int16) { emit(0x01 | 0x60 | size.rawValue, dst, src, off: off) }
    /// `*(size *)(dst + off) = src`.
    public mutating func store(_ size: Size, _ dst: Register, _ off: Int16, _ src: Register) { emit(0x03 | 0x60 | size.rawValue, dst, src, off: off) }
    /// `*(size *)(dst + off) = imm`.
    public mutating func store(_ size: Size, _ dst: Register, _ off: Int16, imm: Int32) { emit(0x02 | 0x60 | size.rawValue, dst, off: off, imm: imm) }
    /// `lock *(u64 *)(dst + off) += src`.
    public mutating func atomicAdd(_ dst: Register, _ off: Int16, _ src: Register) { emit(0x03 | 0xC0 | Size.double.rawValue, dst, src, off: off) }
    /// `dst = map` (a map's descriptor, which the kernel turns into its address at load time).
    public mutating func loadMap(_ dst: Register, descriptor: Int32) {
        emit(0x18, dst, Register(number: 1), imm: descriptor)
        code.append(0)
    }
    /// A call of a kernel helper: arguments in r1–r5, result in r0; r1–r5 are clobbered.
    public mutating func call(_ helper: Helper) { emit(0x85, imm: helper.rawValue) }
    /// `return r0`.
    public mutating func exit() { emit(0x95) }
    /// `return verdict`.
    public mutating func exit(_ verdict: Verdict) {
        alu(.mov, .r0, verdict.rawValue)
        exit()
    }

    /// `if dst cond imm goto label`.
    public mutating func jump(_ condition: Condition, _ dst: Register, _ imm: Int32, to label: String) {
        fixups.append((code.count, label))
        emit(0x05 | condition.rawValue, dst, imm: imm)
    }
    /// `if dst cond src goto label`.
    public mutating func jump(_ condition: Condition, _ dst: Register, _ src: Register, to label: String) {
        fixups.append((code.count, label))
        emit(0x05 | 0x08 | condition.rawValue, dst, src)
    }
    /// `goto label`.
    public mutating func jump(to label: String) { jump(.always, .r0, 0, to: label) }

    /// Places `name` at the next instruction.
    public mutating func label(_ name: String) { labels[name] = code.count }

    /// The instructions with every jump resolved; a jump to a label never placed, or too far, is an error.
    public func assembled() throws(FastPathError) -> [UInt64] {
        var out = code
        for fixup in fixups {
            guard let target = labels[fixup.label] else { throw .invalid("BPF program: no label \(fixup.label)") }
            let distance = target - fixup.index - 1
            guard let off = Int16(exactly: distance) else { throw .invalid("BPF program: jump to \(fixup.label) too far") }
            out[fixup.index] = out[fixup.index] & ~(UInt64(0xFFFF) << 16) | UInt64(UInt16(bitPattern: off)) << 16
        }
        return out
    }
}
