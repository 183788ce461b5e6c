{ aa = 1; ab = 1; ac = 1; ad = 1; ae = 1; af = 1; b = 1; }.a
