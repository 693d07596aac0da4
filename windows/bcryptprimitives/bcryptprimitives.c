/*
 * Minimal bcryptprimitives.dll for running netdbg under Wine 8 ONLY.
 *
 * Rust's std (>= 1.78) imports ProcessPrng from bcryptprimitives.dll for its
 * random numbers (HashMap seeds etc.). Real Windows 10/11 has it; Wine 8 does
 * not, so the exe fails to load. This stand-in forwards to RtlGenRandom
 * (advapi32!SystemFunction036), which Wine implements.
 *
 * Never ship this DLL to real Windows: it would shadow the system one.
 */
#include <windows.h>

/* advapi32!SystemFunction036, a.k.a. RtlGenRandom */
BOOLEAN WINAPI SystemFunction036(PVOID RandomBuffer, ULONG RandomBufferLength);

BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    /* RtlGenRandom takes a ULONG length; feed larger requests in chunks. */
    while (cbData > 0) {
        ULONG chunk = cbData > 0x40000000u ? 0x40000000u : (ULONG)cbData;
        if (!SystemFunction036(pbData, chunk))
            return FALSE; /* Windows documents ProcessPrng as never failing; Wine's RtlGenRandom does not fail either. */
        pbData += chunk;
        cbData -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
