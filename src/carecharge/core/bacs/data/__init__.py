"""VocaLink modulus checking data files, read by :mod:`carecharge.core.bacs.modulus`."""
