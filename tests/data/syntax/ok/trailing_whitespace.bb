# Trailing white space after statements is ignored.   
A = "x"   
B = "y"		
inherit foo   
export C  
	
do_x () {  
    echo   
}   
