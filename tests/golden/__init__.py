"""Golden cases: the project's reference answers, run through the public contracts."""
