{ worker & }
