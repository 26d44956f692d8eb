#!/bin/sh
# prints TAP
status=0
echo "TAP version 13"
echo "1..2"
if [ "$(expr 2 + 3)" = "5" ]; then echo "ok 1 - adds"; else echo "not ok 1 - adds"; status=1; fi
if [ "$(expr 5 - 3)" = "2" ]; then echo "ok 2 - subtracts"; else echo "not ok 2 - subtracts"; status=1; fi
exit $status
