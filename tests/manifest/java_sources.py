"""Java sources of the plugins whose class files `manifest build` reads in the tests, compiled in one javac run
per session (the ``compiled`` fixture of conftest.py): test_jars_properties.py's plugin and library, and
types whose keys Jackson reads in ways a plain field list misses (test_jars_properties_jackson.py)."""

from __future__ import annotations

LIBRARY = {
    "com.acme.lib.Transfer": """\
        package com.acme.lib;
        import io.kestra.core.models.tasks.Task;
        import jakarta.validation.constraints.NotBlank;
        public abstract class Transfer extends Task {
            @NotBlank protected String endpoint;
            protected Integer parallelism;
        }
        """,
}

PLUGIN = {
    "com.acme.Regional": """\
        package com.acme;
        import io.kestra.core.models.annotations.PluginProperty;
        import jakarta.validation.constraints.NotNull;
        public interface Regional {
            @NotNull String getRegion();
            @NotNull @PluginProperty(dynamic = true) String getProject();
            default String getZone() { return null; }
        }
        """,
    "com.acme.Upload": """\
        package com.acme;
        import com.acme.lib.Transfer;
        import com.fasterxml.jackson.annotation.JsonIgnore;
        import com.fasterxml.jackson.annotation.JsonProperty;
        import io.kestra.core.models.annotations.PluginProperty;
        import io.kestra.core.models.property.Property;
        import io.kestra.core.models.tasks.RunnableTask;
        import io.kestra.core.models.tasks.runners.TaskRunner;
        import io.swagger.v3.oas.annotations.media.Schema;
        import jakarta.validation.constraints.NotNull;
        import java.time.Duration;
        import java.util.List;
        import java.util.Map;
        public class Upload extends Transfer implements RunnableTask<Object>, Regional {
            private static final String NAME = "upload";
            @NotNull @PluginProperty(dynamic = true) private String bucket;
            @JsonProperty("storageClass") private Property<Mode> mode;
            @JsonIgnore private String state;
            @Schema(hidden = true) private String token;
            @NotNull private Property<Integer> retries;
            @NotNull private String format = "csv";
            private Property<List<String>> tags;
            private Property<Map<String, List<Integer>>> limits;
            private String[] args;
            private Options options;
            @Deprecated private Duration wait;
            private TaskRunner taskRunner;
            private transient String cache;
            private String region;
            // what Lombok emits for `@Builder.Default private Property<Integer> retries = ...`
            private static Property<Integer> $default$retries() { return null; }
            public String getRegion() { return region; }
            public String getProject() { return "acme"; }
            public void setNote(String note) {}
            public enum Mode { FAST, SLOW, @JsonProperty("bulk") BULK }
            public static class Options {
                @NotNull private Duration timeout;
                private boolean verbose;
                private Map<String, String> headers;
            }
        }
        """,
    "com.acme.Broken": """\
        package com.acme;
        public class Broken extends io.kestra.core.models.tasks.Task {
            private String path;
        }
        """,
}

J = "com.acme.j"

JACKSON = {
    f"{J}.Kinds": """\
        package com.acme.j;
        import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
        import io.kestra.core.models.property.Property;
        import jakarta.validation.constraints.NotNull;
        import java.util.List;
        import java.util.Map;
        public class Kinds extends io.kestra.core.models.tasks.Task {
            private char[] password;
            private byte[] keyBytes;
            @NotNull private int count;
            @NotNull private boolean flag;
            @NotNull private Integer size;
            private List<Property<Integer>> ports;
            private Map<String, Property<Integer>> limits;
            private List<String> tags;
            @JsonDeserialize(contentUsing = Object.class) private List<Integer> hosts;
            private Spec spec;
            @JsonDeserialize(using = Object.class) public static class Spec { private Integer n; }
            private Auth auth;
            @com.fasterxml.jackson.annotation.JsonTypeInfo(property = "kind")
            public static class Auth { private String user; }
        }
        """,
    f"{J}.Named": """\
        package com.acme.j;
        import com.fasterxml.jackson.annotation.JsonIgnore;
        import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
        import com.fasterxml.jackson.annotation.JsonProperty;
        @JsonIgnoreProperties({"legacy"})
        public class Named extends io.kestra.core.models.tasks.Task {
            private String foo;
            private String baz;
            @JsonIgnore private Integer state;
            private Integer cache;
            @JsonProperty("bar") public String getFoo() { return foo; }
            @JsonProperty("qux") public void setBaz(String baz) { this.baz = baz; }
            @JsonIgnore public Integer getCache() { return cache; }
            public Named setLevel(Integer level) { return this; }
            private void setMode(String mode) {}
            @com.fasterxml.jackson.annotation.JsonSetter("speed") public void setVelocity(Integer velocity) {}
        }
        """,
    f"{J}.Lenient": """\
        package com.acme.j;
        @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
        interface Loose {}
        public class Lenient extends io.kestra.core.models.tasks.Task implements Loose { private String foo; }
        """,
    f"{J}.Wrapped": """\
        package com.acme.j;
        import com.fasterxml.jackson.annotation.JsonUnwrapped;
        public class Wrapped extends io.kestra.core.models.tasks.Task {
            @JsonUnwrapped private Conn conn;
            @JsonUnwrapped(prefix = "tls_") private Tls tls;
            private String name;
            public static class Conn { private String host; @jakarta.validation.constraints.NotNull Integer port; }
            public static class Tls { private Boolean verify; }
        }
        """,
    f"{J}.Detached": """\
        package com.acme.j;
        public class Detached extends io.kestra.core.models.tasks.Task {
            @com.fasterxml.jackson.annotation.JsonUnwrapped private Gone gone;
        }
        """,
    f"{J}.Gone": "package com.acme.j;\npublic class Gone { private String away; }\n",
    f"{J}.Modes": """\
        package com.acme.j;
        import com.fasterxml.jackson.annotation.JsonAlias;
        import com.fasterxml.jackson.annotation.JsonCreator;
        import com.fasterxml.jackson.annotation.JsonValue;
        public class Modes extends io.kestra.core.models.tasks.Task {
            private Shade shade;
            private Level level;
            private Tier tier;
            public enum Shade { DARK_MODE, LIGHT_MODE; @JsonValue String value() { return name().toLowerCase(); } }
            public enum Level { LOW, HIGH; @JsonCreator public static Level of(String s) { return LOW; } }
            public enum Tier { @JsonAlias({"gold", "premium"}) GOLD, SILVER }
        }
        """,
    f"{J}.Endpointed": """\
        package com.acme.j;
        import jakarta.validation.constraints.NotNull;
        public abstract class Endpointed extends io.kestra.core.models.tasks.Task {
            @NotNull protected String endpoint;
            @NotNull protected String region;
        }
        """,
    f"{J}.SubDefault": """\
        package com.acme.j;
        public class SubDefault extends Endpointed { public SubDefault() { this.endpoint = "https://default"; } }
        """,
    f"{J}.Chained": """\
        package com.acme.j;
        import jakarta.validation.constraints.NotNull;
        public class Chained extends io.kestra.core.models.tasks.Task {
            @NotNull private String mode;
            @NotNull private String target;
            public Chained() { this("auto"); }
            public Chained(String mode) { this.mode = mode; }
        }
        """,
    f"{J}.Created": """\
        package com.acme.j;
        public class Created extends io.kestra.core.models.tasks.Task {
            @jakarta.validation.constraints.NotNull private String key;
            public Created(String key) { this.key = key; }
        }
        """,
    f"{J}.Tagged": """\
        package com.acme.j;
        public class Tagged extends io.kestra.core.models.tasks.Task { private java.util.List<String> tags; }
        """,
}

TYPES = sorted(name for name in JACKSON if name not in (f"{J}.Gone", f"{J}.Endpointed"))
"""The plugin types the services file lists (Gone is left out of the JAR, Endpointed is abstract)."""
