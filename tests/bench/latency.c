/* vigie-latency: the time from a brute force written to a log to the
 * attacker's address in an nftables set, for N attacks one after the
 * other, each from a new address. Prints p50, p90, p99 and the worst, in
 * milliseconds. Run inside a network namespace beside a running
 * `vigie run` (or another blocker) that follows LOG.
 *   vigie-latency LOG FAMILY TABLE SET N [LINES]
 * Each attack is LINES (default 10) sshd failures in one write. */
#include <fcntl.h>
#include <nftables/libnftables.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: vigie-latency LOG FAMILY TABLE SET N "
				"[LINES]\n");
		return 2;
	}
	const char *log = argv[1], *fam = argv[2], *table = argv[3],
		   *set = argv[4];
	int n = atoi(argv[5]), lines = argc > 6 ? atoi(argv[6]) : 10;
	int64_t *lat = calloc((size_t)n + 1, sizeof(*lat));
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	int missed = 0;

	if (nft == NULL || fd < 0 || lat == NULL || n <= 0) {
		perror(log);
		return 1;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	for (int i = 0; i < n; i++) {
		char ip[32], cmd[256], buf[8192], stamp[32];
		size_t o = 0;
		time_t now = time(NULL);
		struct tm tm;
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", 100 + i / 62500,
			 (i / 250) % 250, i % 250 + 1);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
		for (int k = 0; k < lines && o < sizeof(buf) - 200; k++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "%s bench sshd[%d]: Failed password "
					      "for root from %s port %d ssh2\n",
					      stamp, 1000 + k, ip, 30000 + k);
		snprintf(cmd, sizeof(cmd), "get element %s %s %s { %s }", fam,
			 table, set, ip);
		int64_t t0 = mono_ns();
		if (write(fd, buf, o) != (ssize_t)o) {
			perror(log);
			return 1;
		}
		for (;;) {
			if (nft_run_cmd_from_buffer(nft, cmd) == 0)
				break;
			if (mono_ns() - t0 > 5000000000LL) {
				missed++;
				break;
			}
			usleep(200);
		}
		lat[i] = mono_ns() - t0;
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("attacks %d  missed %d  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms"
	       "  max %.1f ms\n",
	       n, missed, lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6,
	       lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
	nft_ctx_free(nft);
	free(lat);
	close(fd);
	return missed ? 1 : 0;
}
