require   
