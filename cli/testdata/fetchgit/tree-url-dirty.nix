builtins.fetchTree ("git+file://" + toString ./dirty)
