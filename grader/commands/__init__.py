"""Small commands of the command line that have no stage module of their own."""
