#include "textflag.h"

// BROADCAST puts the 8 bytes of arg (a byte already in each of them) in
// both halves of reg.
#define BROADCAST(arg, reg) \
	MOVQ arg, AX; \
	MOVQ AX, reg; \
	PUNPCKLQDQ reg, reg

// func indexSSE2(s []byte, limit int, a, am, b, bm uint64, dist int) int
//
// For i in 0, 32, 64, ... below limit&^31: X = s[i:i+32] OR am, compared
// bytewise with a; Y = s[i+dist:i+dist+32] OR bm, compared with b; the
// first set bit of the AND of the two masks is the answer.
TEXT ·indexSSE2(SB), NOSPLIT, $0-80
	MOVQ s_base+0(FP), SI
	MOVQ limit+24(FP), CX
	ANDQ $~31, CX
	BROADCAST(a+32(FP), X8)
	BROADCAST(am+40(FP), X9)
	BROADCAST(b+48(FP), X10)
	BROADCAST(bm+56(FP), X11)
	MOVQ dist+64(FP), DI
	ADDQ SI, DI
	XORQ BX, BX

loop:
	CMPQ BX, CX
	JAE  notfound
	MOVOU (SI)(BX*1), X0
	MOVOU 16(SI)(BX*1), X1
	MOVOU (DI)(BX*1), X2
	MOVOU 16(DI)(BX*1), X3
	POR X9, X0
	POR X9, X1
	POR X11, X2
	POR X11, X3
	PCMPEQB X8, X0
	PCMPEQB X8, X1
	PCMPEQB X10, X2
	PCMPEQB X10, X3
	PAND X2, X0
	PAND X3, X1
	PMOVMSKB X0, AX
	PMOVMSKB X1, DX
	SHLQ $16, DX
	ORQ  DX, AX
	JNZ  found
	ADDQ $32, BX
	JMP  loop

found:
	BSFQ AX, AX
	ADDQ AX, BX
	MOVQ BX, ret+72(FP)
	RET

notfound:
	MOVQ CX, ret+72(FP)
	RET
