( cd dir; make install )
{ echo start; run; } > log 2>&1
