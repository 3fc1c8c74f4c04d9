/* libFuzzer target for the configuration file: any bytes give either a
 * configuration or errors, each with a file:line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("conf", 0);
	char path[64], *errs = NULL;
	struct vg_config c;

	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	vg_config_defaults(&c);
	int n = vg_config_load(&c, path, &errs);
	if ((n == 0) != (errs == NULL))
		abort();
	for (char *l = errs; l && *l; l = strchr(l, '\n') + 1)
		if (strncmp(l, path, strlen(path)) != 0 || strchr(l, '\n') == NULL)
			abort();
	free(errs);
	vg_config_free(&c);
	close(fd);
	return 0;
}
