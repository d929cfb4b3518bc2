"""Python UDFs of the hot-spot job (runtime/hotspots/flink-sql.ts registers them).

Flink SQL has no geohash function. These are the standard geohash (base-32, bits of
longitude and latitude interleaved, longitude first), the same cells as ngeohash in the
TypeScript engine, so both count pickups in the same cells. The launcher ships this file
in `python.files`; the plain functions also run without PyFlink, for tests.

A UDF that raises fails the job, which restores and meets the same record again, for
ever: every function here returns None (SQL NULL) for input it cannot use, whatever the
SQL in front of it filters.
"""
_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
MAX_PRECISION = 12

# The metric COUNT_SKIPPED_TRIP counts into. Managed Flink publishes the metrics of the
# group KinesisAnalytics to CloudWatch (namespace AWS/KinesisAnalytics, at the Application
# level), each user-scope key/value as a dimension:
# https://docs.aws.amazon.com/managed-flink/latest/java/monitoring-metrics-custom.html
METRIC_GROUP = "kinesisanalytics"
SKIPPED_TRIPS_METRIC = "skippedTrips"
REASON_DIMENSION = "Reason"
# runtime/hotspots/usable-trip.ts TRIP_PROBLEMS, in its order (a test holds them equal).
TRIP_PROBLEMS = ("time", "position", "future")


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _coordinate(value, limit):
    # NaN and infinities fail the comparison; math.isfinite would raise on a huge int.
    return _number(value) and -limit <= value <= limit


def encode(lon, lat, precision):
    """The geohash of (lon, lat) with `precision` characters; None for a position or precision it cannot encode."""
    if not (_coordinate(lon, 180) and _coordinate(lat, 90)):
        return None
    if not (isinstance(precision, int) and not isinstance(precision, bool) and 1 <= precision <= MAX_PRECISION):
        return None
    lon_range = [-180.0, 180.0]
    lat_range = [-90.0, 90.0]
    chars = []
    bits = 0
    bit_count = 0
    even = True  # even bits refine longitude
    while len(chars) < precision:
        value, span = (lon, lon_range) if even else (lat, lat_range)
        middle = (span[0] + span[1]) / 2
        if value > middle:
            bits = bits * 2 + 1
            span[0] = middle
        else:
            bits = bits * 2
            span[1] = middle
        even = not even
        bit_count += 1
        if bit_count == 5:
            chars.append(_BASE32[bits])
            bits = 0
            bit_count = 0
    return "".join(chars)


def centre(cell):
    """The centre of a geohash cell as "lat,lon", the string form of an OpenSearch geo_point; None for no cell."""
    if not isinstance(cell, str) or not 1 <= len(cell) <= MAX_PRECISION or any(c not in _BASE32 for c in cell):
        return None
    lon_range = [-180.0, 180.0]
    lat_range = [-90.0, 90.0]
    even = True
    for char in cell:
        index = _BASE32.index(char)
        for shift in range(4, -1, -1):
            span = lon_range if even else lat_range
            middle = (span[0] + span[1]) / 2
            if (index >> shift) & 1:
                span[0] = middle
            else:
                span[1] = middle
            even = not even
    lat = (lat_range[0] + lat_range[1]) / 2
    lon = (lon_range[0] + lon_range[1]) / 2
    return "%s,%s" % (repr(lat), repr(lon))


class SkippedTripCounter(object):
    """COUNT_SKIPPED_TRIP(reason): counts a skipped trip under its reason and returns the reason.

    One counter per reason of TRIP_PROBLEMS, registered in open() (PyFlink registers metrics
    there); a reason it does not know is returned uncounted rather than raised on.
    """

    def open(self, function_context):
        group = function_context.get_metric_group().add_group(METRIC_GROUP)
        self.counters = {
            reason: group.add_group(REASON_DIMENSION, reason).counter(SKIPPED_TRIPS_METRIC) for reason in TRIP_PROBLEMS
        }

    def eval(self, reason):
        counter = self.counters.get(reason)
        if counter is not None:
            counter.inc()
        return reason


try:
    from pyflink.table import DataTypes
    from pyflink.table.udf import ScalarFunction, udf

    class _SkippedTripCounterUdf(SkippedTripCounter, ScalarFunction):
        pass

    geohash = udf(encode, result_type=DataTypes.STRING())
    geohash_centre = udf(centre, result_type=DataTypes.STRING())
    # Not deterministic: the planner must call it for every row, never reuse a result.
    count_skipped_trip = udf(_SkippedTripCounterUdf(), result_type=DataTypes.STRING(), deterministic=False)
except ImportError:  # no PyFlink: the plain functions stay usable
    pass
