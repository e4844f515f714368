package isal

// The layout of struct inflate_state (isa-l/igzip_lib.h) on 64-bit Linux,
// as gcc lays it out for libisal 2.30 (Debian libisal-dev 2.30.0), printed
// with offsetof and sizeof. The layout is ISA-L's ABI, stable across its
// 2.x releases; Load's self-test still inflates a sample and checks every
// field it reads, and refuses the library if any is off.
const (
	offNextOut      = 0     // uint8_t *next_out
	offAvailOut     = 8     // uint32_t avail_out
	offTotalOut     = 12    // uint32_t total_out
	offNextIn       = 16    // uint8_t *next_in
	offAvailIn      = 32    // uint32_t avail_in
	offReadInLength = 36    // int32_t read_in_length: bits held in read_in
	offBlockState   = 21160 // enum isal_block_state block_state
	offCRCFlag      = 21172 // uint32_t crc_flag
	offCRC          = 21176 // uint32_t crc
	offTmpInSize    = 21206 // int16_t tmp_in_size: bytes held in tmp_in_buffer
	stateSize       = 87368 // sizeof(struct inflate_state)
)

// Values from igzip_lib.h.
const (
	blockInputDone = 4 // ISAL_BLOCK_INPUT_DONE: all input decoded, output pending
	blockFinish    = 5 // ISAL_BLOCK_FINISH: all output handed out
	gzipNoHdr      = 2 // ISAL_GZIP_NO_HDR: raw deflate, state.crc is the gzip CRC-32
)

// isal_inflate's error codes.
const (
	errInvalidBlock    = -1   // ISAL_INVALID_BLOCK
	errInvalidSymbol   = -2   // ISAL_INVALID_SYMBOL
	errInvalidLookback = -3   // ISAL_INVALID_LOOKBACK
	errNoProgress      = -100 // not ISA-L's: it took no input from a full buffer
)
