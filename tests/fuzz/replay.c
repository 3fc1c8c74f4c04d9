/* Replays a fuzz target's corpus folder (seeds and saved crash inputs)
 * as an ordinary test, one TAP line per file. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *de;
	char *names[4096];
	size_t n = 0;

	if (argc < 2 || (d = opendir(argv[1])) == NULL) {
		printf("1..0 # SKIP no corpus folder\n");
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < 4096)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		FILE *f;
		uint8_t *buf;
		long len;

		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		f = fopen(path, "rb");
		if (f == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (len = ftell(f)) < 0) {
			printf("not ok %zu - %s unreadable\n", i + 1, names[i]);
			if (f)
				fclose(f);
			continue;
		}
		rewind(f);
		buf = malloc((size_t)len + 1);
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			printf("not ok %zu - %s short read\n", i + 1, names[i]);
		} else {
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			printf("ok %zu - %s\n", i + 1, names[i]);
		}
		free(buf);
		fclose(f);
		free(names[i]);
	}
	return 0;
}
