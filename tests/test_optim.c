/* test_optim.c — RMSprop and Adam against values computed by hand (in double,
 * from the formulas in optim.h), per-tensor clipnorm and element-wise
 * clipvalue. */
#include <string.h>

#include "check.h"
#include "mimod/optim.h"

#ifdef MIMOD_DOUBLE
#define TOL 1e-12
#else
#define TOL 2e-6
#endif

/* Three parameters in two tensors ("a" 2 elements, "b" 1) and three steps of
 * gradients; the third parameter's first gradient is 0 (a zero update with v = 0). */
static const double p0[3] = {1.0, -2.0, 0.5};
static const double grads[3][3] = {{0.5, -1.0, 0.0}, {0.2, 3.0, -0.1}, {-0.4, 0.25, 0.05}};

static void make_layout(mimod_layout *l) {
    memset(l, 0, sizeof *l);
    layout_add(l, "a", 2, 1, 0.0);
    layout_add(l, "b", 1, 1, 0.0);
}

static void test_rmsprop(void) {
    /* lr 0.01, ρ 0.9, ε 1e-7, v starting at 0 (TF2 Keras). After step 1,
     * p0 = 1 − 0.01·0.5/(√(0.1·0.25) + 1e-7) = 0.968377243398... */
    static const double expect[3][3] = {
        {0.96837724339830356, -1.9683772333983129, 0.5},
        {0.95609134860878975, -1.9985283648257866, 0.53162267660200002},
        {0.97612894437057862, -2.0011676312284941, 0.516878524464643},
    };
    mimod_layout l;
    make_layout(&l);
    opt_settings s = {.kind = OPT_RMSPROP, .lr = 0.01, .rho = 0.9, .eps = 1e-7};
    optimizer o;
    mimod_err err = {0};
    CHECK(optim_init(&o, &s, 3, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(o.m == NULL && o.v != NULL, "RMSprop keeps only v");
    real p[3], g[3];
    for (int i = 0; i < 3; i++) p[i] = (real)p0[i];
    for (int step = 0; step < 3; step++) {
        for (int i = 0; i < 3; i++) g[i] = (real)grads[step][i];
        optim_step(&o, &l, p, g);
        for (int i = 0; i < 3; i++) CHECK_CLOSE(p[i], expect[step][i], TOL, TOL, "rmsprop param");
    }
    CHECK(o.step == 3, "step counter %lld", (long long)o.step);
    optim_free(&o);
}

static void test_adam(void) {
    /* lr 0.003, β1 0.9, β2 0.999, ε 1e-7; step 1: lr_t = 0.003·√0.001/0.1,
     * m = 0.05, v = 0.00025, p0 = 1 − lr_t·0.05/(0.0158113883 + 1e-7) = 0.997000019. */
    static const double expect[3][3] = {
        {0.99700001897354595, -1.997000009486803, 0.5},
        {0.99430430919640822, -1.998482577504052, 0.50223233987791571},
        {0.99377547510635489, -1.9997761574906656, 0.50291824159720633},
    };
    mimod_layout l;
    make_layout(&l);
    opt_settings s = {.kind = OPT_ADAM, .lr = 0.003, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-7};
    optimizer o;
    mimod_err err = {0};
    CHECK(optim_init(&o, &s, 3, &err) == MIMOD_OK, "%s", err.msg);
    real p[3], g[3];
    for (int i = 0; i < 3; i++) p[i] = (real)p0[i];
    for (int step = 0; step < 3; step++) {
        for (int i = 0; i < 3; i++) g[i] = (real)grads[step][i];
        optim_step(&o, &l, p, g);
        for (int i = 0; i < 3; i++) CHECK_CLOSE(p[i], expect[step][i], TOL, TOL, "adam param");
    }
    optim_free(&o);
}

static void test_clipping(void) {
    mimod_layout l;
    memset(&l, 0, sizeof l);
    layout_add(&l, "big", 2, 1, 0.0);   /* norm 5: clipped to norm 2 */
    layout_add(&l, "small", 3, 1, 0.0); /* norm 0.5: untouched       */
    opt_settings s = {.kind = OPT_RMSPROP, .lr = 0.01, .rho = 0.9, .eps = 1e-7, .clipnorm = 2.0};
    real g[5] = {3, -4, 0.3f, 0.4f, 0};
    optim_clip(&s, &l, g);
    CHECK_CLOSE(g[0], 1.2, 1e-6, 0, "clipnorm big[0]");
    CHECK_CLOSE(g[1], -1.6, 1e-6, 0, "clipnorm big[1]");
    CHECK_CLOSE(g[2], 0.3, 1e-7, 0, "clipnorm small[0] untouched");
    CHECK_CLOSE(g[3], 0.4, 1e-7, 0, "clipnorm small[1] untouched");
    CHECK(g[4] == 0, "clipnorm small[2] untouched");

    /* Per tensor, not global: a global norm (√25.25) would also shrink "small". */
    real g2[5] = {0, 2.5f, 0.6f, 0.8f, 0}; /* norms 2.5 and 1.0 */
    optim_clip(&s, &l, g2);
    CHECK_CLOSE(g2[1], 2.0, 1e-6, 0, "clipnorm big only");
    CHECK_CLOSE(g2[2], 0.6, 1e-7, 0, "small tensor keeps its values");

    opt_settings sv = {.kind = OPT_ADAM, .lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-7,
                       .clipvalue = 1.0};
    real g3[5] = {-3, 0.5f, 2, -0.25f, 1};
    optim_clip(&sv, &l, g3);
    CHECK(g3[0] == -1 && g3[1] == (real)0.5f && g3[2] == 1 && g3[3] == (real)-0.25f && g3[4] == 1,
          "clipvalue: got %g %g %g %g %g", (double)g3[0], (double)g3[1], (double)g3[2],
          (double)g3[3], (double)g3[4]);

    /* optim_step clips before updating: the gradient buffer comes back clipped
     * and the second RMSprop step uses v built from the clipped gradient. */
    optimizer o;
    mimod_err err = {0};
    CHECK(optim_init(&o, &s, 5, &err) == MIMOD_OK, "%s", err.msg);
    real p[5] = {0, 0, 0, 0, 0};
    real g4[5] = {3, -4, 0, 0, 0};
    optim_step(&o, &l, p, g4);
    CHECK_CLOSE(g4[0], 1.2, 1e-6, 0, "step clipped the gradient in place");
    CHECK_CLOSE(o.v[0], 0.1 * 1.44, 1e-7, 1e-6, "v from the clipped gradient");
    optim_free(&o);
}

static void test_bad_settings(void) {
    optimizer o;
    mimod_err err = {0};
    opt_settings s = {.kind = OPT_RMSPROP, .lr = -1, .rho = 0.9, .eps = 1e-7};
    CHECK(optim_init(&o, &s, 3, &err) == MIMOD_EINVAL, "negative lr refused");
    CHECK(err.msg[0] != '\0', "with a message");
}

int main(void) {
    test_rmsprop();
    test_adam();
    test_clipping();
    test_bad_settings();
    return check_report("test_optim");
}
