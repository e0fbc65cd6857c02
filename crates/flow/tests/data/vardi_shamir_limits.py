"""Independent high-precision check of the Vardi–Shamir Theorem 3 limits (mpmath, 100 digits).

Setting: rows x1 = (3, -1, 0), x2 = (4, 2, 0), x3 = (0, g, g), y = (16, 18, 0), L = 1/2 sum (relu(x.w) - y)^2,
sigma'(0) = 1, w(0) = 0. Phase 1: all points active, w(t) = w_inf + expm(-t M)(w(0) - w_inf) with M = X^T X and
w_inf = (5, -1, 1) (X w_inf = y). The first root t1 > 0 of x3.w(t) is the switch; afterwards x3 is inactive, the
third coordinate is frozen (x1, x2 have no third component) and w(inf) = (5, -1, s) with s = w_3(t1).

Run: python3 vardi_shamir_limits.py   (mpmath 1.3.0). Output, pasted into tests/neuron_vs.rs:

gamma=1 t1=0.1696505961284853504782627448860462695133569303895063474586751858680199837107219 s=-0.040772919766673468136961016758030204478260542214562680285640793006864767478268087
gamma=2 t1=0.13831796060759679597530677409261364309204618996351735517323799643571640209019627 s=-0.11069645835966629102703379591920961650032475361120562582123059337259082026159377
gamma=5 t1=0.08614747378067706607286172879844267145226151583137482713111315038513038608310553 s=-0.20904881230540469688754816227570858317079423270584891634038436720317163599680269
"""
import mpmath as mp

mp.mp.dps = 100


def limit(g):
    X = mp.matrix([[3, -1, 0], [4, 2, 0], [0, g, g]])
    y = mp.matrix([16, 18, 0])
    M = X.T * X
    w_inf = mp.lu_solve(M, X.T * y)

    def w(t):
        return w_inf + mp.expm(-t * M) * (mp.matrix([0, 0, 0]) - w_inf)

    def guard(t):
        return g * (w(t)[1] + w(t)[2])

    # bracket the first sign change on a fine grid, then refine
    t_prev, t = mp.mpf(0), mp.mpf("0.001")
    while guard(t) > 0:
        t_prev, t = t, t + mp.mpf("0.001")
    t1 = mp.findroot(guard, (t_prev, t), solver="anderson")
    return t1, w(t1)[2]


if __name__ == "__main__":
    for g in (1, 2, 5):
        t1, s = limit(g)
        print(f"gamma={g} t1={mp.nstr(t1, 80)} s={mp.nstr(s, 80)}")
