# Shared by the shell tests of vigie run: attack IP prints 12 sshd
# failed passwords from IP stamped now, one brute force for vigie's rule
# (10 failures from one source in 2 minutes).
attack() {
	now=$(date '+%b %e %H:%M:%S')
	i=0
	while [ $i -lt 12 ]; do
		echo "$now web1 sshd[$((4000 + i))]: Failed password for root from $1 port $((40000 + i)) ssh2"
		i=$((i + 1))
	done
}
