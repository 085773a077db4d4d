echo if then do done for until !
echo fi
