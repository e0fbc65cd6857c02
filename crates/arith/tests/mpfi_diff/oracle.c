/* MPFI oracle for crates/arith/tests/mpfi_diff.rs (feature `mpfi-oracle`).
 *
 * Reads one case per line from stdin:   <op> <prec> <lo> <hi> [<lo> <hi>]
 * where each end is `M E` (the binary number M·2^E, M a decimal integer) and op is one of
 * add sub mul div sqr sqrt exp log; writes one line per case: `M E M E` (the ends of MPFI's result
 * at <prec> bits, `inf`/`-inf` for infinite ends) or `nan` when MPFI returns a NaN end.
 * Build: cc -O2 oracle.c -lmpfi -lmpfr -lgmp */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <gmp.h>
#include <mpfr.h>
#include <mpfi.h>

static int read_end(mpfr_t x) {
    char m[20000];
    long e;
    if (scanf("%19999s %ld", m, &e) != 2) return 0;
    mpz_t z;
    mpz_init(z);
    if (mpz_set_str(z, m, 10) != 0) { mpz_clear(z); return 0; }
    mpfr_set_z_2exp(x, z, e, MPFR_RNDN); /* exact: x has the interval's precision */
    mpz_clear(z);
    return 1;
}

static void write_end(mpfr_t x) {
    if (mpfr_inf_p(x)) { printf(mpfr_sgn(x) > 0 ? "inf" : "-inf"); return; }
    if (mpfr_zero_p(x)) { printf("0 0"); return; }
    mpz_t z;
    mpz_init(z);
    long e = mpfr_get_z_2exp(z, x);
    mpz_out_str(stdout, 10, z);
    printf(" %ld", e);
    mpz_clear(z);
}

static int read_interval(mpfi_t r, mpfr_prec_t prec) {
    mpfr_t lo, hi;
    mpfr_inits2(prec, lo, hi, (mpfr_ptr)0);
    int ok = read_end(lo) && read_end(hi);
    if (ok) mpfi_interv_fr(r, lo, hi);
    mpfr_clears(lo, hi, (mpfr_ptr)0);
    return ok;
}

int main(void) {
    char op[16];
    long prec;
    while (scanf("%15s %ld", op, &prec) == 2) {
        mpfi_t a, b, r;
        mpfi_init2(a, prec);
        mpfi_init2(b, prec);
        mpfi_init2(r, prec);
        int binary = !strcmp(op, "add") || !strcmp(op, "sub") || !strcmp(op, "mul") || !strcmp(op, "div");
        if (!read_interval(a, prec) || (binary && !read_interval(b, prec))) {
            fprintf(stderr, "oracle: bad input for %s\n", op);
            return 2;
        }
        if (!strcmp(op, "add")) mpfi_add(r, a, b);
        else if (!strcmp(op, "sub")) mpfi_sub(r, a, b);
        else if (!strcmp(op, "mul")) mpfi_mul(r, a, b);
        else if (!strcmp(op, "div")) mpfi_div(r, a, b);
        else if (!strcmp(op, "sqr")) mpfi_sqr(r, a);
        else if (!strcmp(op, "sqrt")) mpfi_sqrt(r, a);
        else if (!strcmp(op, "exp")) mpfi_exp(r, a);
        else if (!strcmp(op, "log")) mpfi_log(r, a);
        else { fprintf(stderr, "oracle: unknown op %s\n", op); return 2; }
        if (mpfi_nan_p(r)) {
            printf("nan\n");
        } else {
            mpfr_t lo, hi;
            mpfr_inits2(prec, lo, hi, (mpfr_ptr)0);
            mpfi_get_left(lo, r);
            mpfi_get_right(hi, r);
            write_end(lo);
            printf(" ");
            write_end(hi);
            printf("\n");
            mpfr_clears(lo, hi, (mpfr_ptr)0);
        }
        mpfi_clear(a);
        mpfi_clear(b);
        mpfi_clear(r);
    }
    fflush(stdout);
    return 0;
}
