/*
 * Included first into every brand object (brand.cmake, -include).  The brand is one static
 * image linked above 4 GiB (LX_BRAND_BASE) from position-independent code: every symbol it
 * names is its own, so it is reached RIP-relative.  Without this, -fpie takes the address of
 * a function defined elsewhere (entry.S's lx_restorer, ...) through the GOT, and the linker
 * cannot relax a compare against such an address into an immediate above 2 GiB.
 */
#pragma GCC visibility push(hidden)
