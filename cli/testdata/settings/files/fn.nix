{ x ? 1, y }: { sum = x + y; f = { z }: z; }
