package dev.paddock.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.paddock.model.Network;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.operation.plan.Step;
import java.io.IOException;

/**
 * The one JSON mapping of Paddock's values, shared by the operation journal and the REST API.
 *
 * <p>The engine carries no JSON annotations (it depends on the JDK only), so the mapping of its types is
 * declared here: {@link Resources} as an object of named amounts, and {@link Step} as a tagged union whose
 * tag is the record's simple name ({@code {"type":"StartVm", ...}}), so journals stay readable. A network's
 * {@link Network.Carrier} written before stopped networks were told apart (in the inventory or a journal) has no
 * {@code stopped}, and reads as started.
 */
public final class Json {

    private static final ObjectMapper MAPPER = create();

    private Json() {}

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(new Jdk8Module());
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        SimpleModule paddock = new SimpleModule("paddock");
        paddock.addSerializer(Resources.class, new ResourcesSerializer());
        paddock.addDeserializer(Resources.class, new ResourcesDeserializer());
        paddock.addDeserializer(Network.Carrier.class, new CarrierDeserializer());
        paddock.setDeserializerModifier(new com.fasterxml.jackson.databind.deser.BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(com.fasterxml.jackson.databind.DeserializationConfig config,
                    com.fasterxml.jackson.databind.BeanDescription description, JsonDeserializer<?> deserializer) {
                return description.getBeanClass() == dev.paddock.model.Nic.class ? new NicDefaults(deserializer)
                        : deserializer;
            }
        });
        mapper.registerModule(paddock);

        mapper.addMixIn(Step.class, StepMixIn.class);
        mapper.addMixIn(Vm.class, VmMixIn.class);
        mapper.addMixIn(Network.class, NetworkMixIn.class);
        for (Class<?> step : Step.class.getPermittedSubclasses()) {
            mapper.registerSubtypes(new NamedType(step, step.getSimpleName()));
        }
        return mapper;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface StepMixIn {}

    /** {@code isProtected()} is derived from haPriority: written for readers, ignored when read back. */
    @JsonIgnoreProperties(value = "protected", allowGetters = true)
    private interface VmMixIn {}

    /**
     * Reads a NIC written before it was known whether its guest is trusted as untrusted: the shared mapper refuses a
     * missing boolean, which stored values and journaled steps of older versions lack.
     */
    private static final class NicDefaults extends com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer {
        NicDefaults(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new NicDefaults(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object && !object.has("trusted")) {
                object.put("trusted", false);
            }
            JsonParser nic = node.traverse(parser.getCodec());
            nic.nextToken();
            return _delegatee.deserialize(nic, context);
        }
    }

    /** What its hosts should agree on, and which do not: written for readers, ignored when read back. */
    @JsonIgnoreProperties(value = {"agreedLayout", "drift"}, allowGetters = true)
    private interface NetworkMixIn {
        @com.fasterxml.jackson.annotation.JsonProperty("agreedLayout")
        java.util.Optional<Network.Layout> agreedLayout();

        @com.fasterxml.jackson.annotation.JsonProperty("drift")
        java.util.Map<String, Network.Layout> drift();
    }

    private static final class ResourcesSerializer extends JsonSerializer<Resources> {
        @Override
        public void serialize(Resources value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartObject();
            gen.writeNumberField("cpuMillicores", value.cpuMillicores());
            gen.writeNumberField("memoryMib", value.memoryMib());
            gen.writeNumberField("diskGib", value.diskGib());
            gen.writeNumberField("networkMbps", value.networkMbps());
            gen.writeEndObject();
        }
    }

    private static final class ResourcesDeserializer extends JsonDeserializer<Resources> {
        @Override
        public Resources deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            if (node == null || !node.isObject()) {
                return context.reportInputMismatch(Resources.class, "resources must be an object");
            }
            return Resources.of(
                    amount(node, "cpuMillicores", context),
                    amount(node, "memoryMib", context),
                    amount(node, "diskGib", context),
                    amount(node, "networkMbps", context));
        }

        private static long amount(JsonNode node, String field, DeserializationContext context) throws IOException {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return 0;
            }
            if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                return context.reportInputMismatch(Resources.class, "%s must be a whole number", field);
            }
            return value.asLong();
        }
    }

    private static final class CarrierDeserializer extends JsonDeserializer<Network.Carrier> {
        @Override
        public Network.Carrier deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            if (node == null || !node.isObject() || !node.path("libvirtName").isTextual()) {
                return context.reportInputMismatch(Network.Carrier.class, "a carrier must name its libvirt network");
            }
            JsonNode stopped = node.path("stopped");
            if (!stopped.isMissingNode() && !stopped.isBoolean()) {
                return context.reportInputMismatch(Network.Carrier.class, "stopped must be true or false");
            }
            JsonNode openvswitch = node.path("openvswitch");
            if (!openvswitch.isMissingNode() && !openvswitch.isBoolean()) {
                return context.reportInputMismatch(Network.Carrier.class, "openvswitch must be true or false");
            }
            JsonNode vlan = node.path("vlan");
            if (!vlan.isMissingNode() && !vlan.isNull() && !vlan.canConvertToInt()) {
                return context.reportInputMismatch(Network.Carrier.class, "vlan must be a number");
            }
            return new Network.Carrier(node.get("libvirtName").asText(), node.path("bridge").asText(""),
                    stopped.asBoolean(false), openvswitch.asBoolean(false),
                    vlan.isInt() ? java.util.OptionalInt.of(vlan.asInt()) : java.util.OptionalInt.empty());
        }
    }
}
