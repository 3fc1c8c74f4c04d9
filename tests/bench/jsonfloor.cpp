// jsonfloor: how fast the JSON lines of a file can be parsed on this
// machine by simdjson, the fastest JSON parser there is, doing no more than
// vigie's decoder must: every object of every line walked, every string
// and every number read. The file is loaded first and not timed, so the
// figure is a floor for vigie, which reads the file and does more (field
// names interned, timestamps, logsource). A benchmark helper, not part of
// vigie; built by tests/bench/run.sh when Debian's libsimdjson-dev is
// installed. Prints "seconds events".
//   jsonfloor FILE
#include <simdjson.h>

#include <chrono>
#include <cstdio>

using namespace simdjson;

static size_t walk(dom::element e)
{
	size_t n = 0;

	switch (e.type()) {
	case dom::element_type::OBJECT:
		for (dom::key_value_pair kv : dom::object(e))
			n += kv.key.size() + walk(kv.value);
		break;
	case dom::element_type::ARRAY:
		for (dom::element x : dom::array(e))
			n += walk(x);
		break;
	case dom::element_type::STRING:
		n += std::string_view(e).size();
		break;
	default:
		n += 1; // numbers, booleans and null are decoded by the parse
		break;
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: jsonfloor FILE\n");
		return 2;
	}
	padded_string text;
	if (padded_string::load(argv[1]).get(text)) {
		std::fprintf(stderr, "jsonfloor: cannot read %s\n", argv[1]);
		return 1;
	}
	auto t0 = std::chrono::steady_clock::now();
	dom::parser parser;
	dom::document_stream docs;
	if (parser.parse_many(text, 1 << 20).get(docs)) {
		std::fprintf(stderr, "jsonfloor: cannot parse %s\n", argv[1]);
		return 1;
	}
	size_t events = 0, seen = 0;
	for (auto doc : docs) {
		dom::element e;
		if (doc.get(e))
			continue;
		events++;
		seen += walk(e);
	}
	auto t1 = std::chrono::steady_clock::now();
	// print what was read, so that the walk cannot be left out
	std::fprintf(stderr,
		     "jsonfloor: simdjson " SIMDJSON_STRINGIFY(SIMDJSON_VERSION)
		     " (%s kernel), %zu bytes of names and strings read\n",
		     get_active_implementation()->name().c_str(), seen);
	std::printf("%.4f %zu\n", std::chrono::duration<double>(t1 - t0).count(),
		    events);
	return 0;
}
