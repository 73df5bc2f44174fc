/* SPDX-License-Identifier: MIT */
/*
 * bench_collector - a load generator for wer-collector's ingest: N
 * keep-alive connections on loopback, each POSTing the same
 * multipart body (a Crashpad-shaped upload) as fast as answers come;
 * prints reports per second and latency percentiles.
 *
 *   bench_collector PORT PATH CONTENT_TYPE BODY_FILE CONNECTIONS SECONDS
 *
 * Run by bench_collector.sh, which starts the collector and makes the body.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LAT_MAX 1000000

static int port;
static char *request;
static size_t request_len;
static double stop_at;
static double *latencies;
static size_t lat_count;
static long errors;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_once(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Sends the request, reads one answer; 0 when it was 200 CrashID. */
static int one_request(int fd)
{
	char buf[8192];
	size_t have = 0, sent = 0;
	char *end, *cl;
	long body_len;

	while (sent < request_len) {
		ssize_t n = write(fd, request + sent, request_len - sent);

		if (n <= 0)
			return -1;
		sent += (size_t)n;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(buf, "Content-Length:");
		body_len = cl ? atol(cl + 15) : 0;
		if ((long)(have - (size_t)(end + 4 - buf)) >= body_len)
			break;
	}
	return strncmp(buf, "HTTP/1.1 200", 12) || !strstr(end, "CrashID=bp-")
		   ? -1
		   : 0;
}

static void *worker(void *arg)
{
	int fd = connect_once();

	(void)arg;
	while (now() < stop_at) {
		double t0 = now();
		int r;

		if (fd < 0 && (fd = connect_once()) < 0) {
			usleep(1000);
			continue;
		}
		r = one_request(fd);
		pthread_mutex_lock(&lock);
		if (r < 0) {
			errors++;
			close(fd);
			fd = -1;
		} else if (lat_count < LAT_MAX) {
			latencies[lat_count++] = now() - t0;
		}
		pthread_mutex_unlock(&lock);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	FILE *f;
	struct stat st;
	char *body;
	int conns;
	double seconds, t0, elapsed;
	pthread_t *threads;
	size_t head;

	if (argc != 7) {
		fprintf(stderr, "usage: bench_collector PORT PATH CONTENT_TYPE "
				"BODY_FILE CONNECTIONS SECONDS\n");
		return 2;
	}
	port = atoi(argv[1]);
	conns = atoi(argv[5]);
	seconds = atof(argv[6]);
	f = fopen(argv[4], "rb");
	if (!f || fstat(fileno(f), &st) < 0) {
		perror(argv[4]);
		return 1;
	}
	body = malloc((size_t)st.st_size);
	if (!body ||
	    fread(body, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		return 1;
	fclose(f);
	request = malloc((size_t)st.st_size + 4096);
	latencies = malloc(LAT_MAX * sizeof(*latencies));
	threads = calloc((size_t)conns, sizeof(*threads));
	if (!request || !latencies || !threads)
		return 1;
	head = (size_t)snprintf(
	    request, 4096,
	    "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: %s\r\nContent-Length: %lld\r\n"
	    "%s\r\n",
	    argv[2], argv[3], (long long)st.st_size,
	    getenv("BENCH_GZIP") ? "Content-Encoding: gzip\r\n" : "");
	memcpy(request + head, body, (size_t)st.st_size);
	request_len = head + (size_t)st.st_size;
	t0 = now();
	stop_at = t0 + seconds;
	for (int i = 0; i < conns; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (int i = 0; i < conns; i++)
		pthread_join(threads[i], NULL);
	elapsed = now() - t0;
	qsort(latencies, lat_count, sizeof(*latencies), cmp);
	if (!lat_count) {
		printf("no successful request (%ld errors)\n", errors);
		return 1;
	}
	printf("%zu reports in %.1f s: %.0f reports/s, %ld errors; latency "
	       "ms p50 %.1f p90 %.1f p99 %.1f max %.1f (%d connections, "
	       "%lld-byte bodies)\n",
	       lat_count, elapsed, (double)lat_count / elapsed, errors,
	       latencies[lat_count / 2] * 1e3,
	       latencies[lat_count * 9 / 10] * 1e3,
	       latencies[lat_count * 99 / 100] * 1e3,
	       latencies[lat_count - 1] * 1e3, conns, (long long)st.st_size);
	free(threads);
	free(latencies);
	free(request);
	free(body);
	return errors ? 1 : 0;
}
