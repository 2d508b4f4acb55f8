package dev.activations.kernel.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfoSupport;
import javax.management.openmbean.OpenMBeanParameterInfo;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * A read-only MBean whose attributes are a few constants (name, configuration) and the
 * components of one or more record snapshots (a {@code stats()} method), so the bean never
 * drifts from the record: a component added to the record is a new attribute. Attribute
 * names are the component names capitalised ({@code busyProcessors} →
 * {@code BusyProcessors}); when two sources have a component of the same name, the first
 * source's wins, and a constant wins over both.
 *
 * <p>Types are JMX open types: {@code int}, {@code long}, {@code boolean}, {@code double} and
 * {@code String} as themselves, a {@code List} of records as a {@code CompositeData[]} (one
 * item per record component), anything else as its string form (enums by name).
 *
 * <p>{@link #getAttributes} takes one snapshot per source for all the attributes it reads,
 * so they are consistent with each other; {@link #getAttribute} takes a fresh one per call.
 */
public final class SnapshotMBean implements DynamicMBean {

    /** A record type and how to take a snapshot of it. */
    public record Source<R extends Record>(Class<R> type, Supplier<? extends R> snapshot) {
    }

    /** A no-argument operation that returns text (a dump, a report). */
    public record Operation(String name, String description, Supplier<String> action) {
    }

    /** {@code source} -1: a constant, {@code value}; else a component of that source. */
    private record Attr(int source, RecordComponent component, OpenType<?> type, Object value) {
    }

    private final List<Source<?>> sources;
    private final Map<String, Attr> attributes = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final MBeanInfo info;

    /**
     * @param className   reported as the bean's class name (what the bean describes)
     * @param description shown by JMX clients
     * @param constants   attribute name → a String, Integer, Long or Boolean that never changes
     */
    public SnapshotMBean(String className, String description, Map<String, Object> constants, List<Source<?>> sources,
                         List<Operation> operations) {
        this.sources = List.copyOf(sources);
        List<MBeanAttributeInfo> ai = new ArrayList<>();
        try {
            for (Map.Entry<String, Object> c : constants.entrySet()) {
                OpenType<?> ot = openType(c.getValue().getClass());
                attributes.put(c.getKey(), new Attr(-1, null, ot, c.getValue()));
                ai.add(new OpenMBeanAttributeInfoSupport(c.getKey(), c.getKey() + " (constant)", ot, true, false, false));
            }
            for (int i = 0; i < this.sources.size(); i++) {
                Class<? extends Record> type = this.sources.get(i).type();
                for (RecordComponent c : type.getRecordComponents()) {
                    String name = capitalise(c.getName());
                    if (attributes.containsKey(name)) {
                        continue;
                    }
                    OpenType<?> ot = openType(c.getGenericType());
                    attributes.put(name, new Attr(i, c, ot, null));
                    ai.add(new OpenMBeanAttributeInfoSupport(name, type.getSimpleName() + "." + c.getName(), ot,
                            true, false, false));
                }
            }
        } catch (OpenDataException e) {
            throw new IllegalArgumentException("snapshot records must map to JMX open types: " + e.getMessage(), e);
        }
        List<MBeanOperationInfo> oi = new ArrayList<>();
        for (Operation op : operations) {
            this.operations.put(op.name(), op);
            oi.add(new OpenMBeanOperationInfoSupport(op.name(), op.description(), new OpenMBeanParameterInfo[0],
                    SimpleType.STRING, MBeanOperationInfo.INFO));
        }
        this.info = new MBeanInfo(className, description, ai.toArray(MBeanAttributeInfo[]::new), null,
                oi.toArray(MBeanOperationInfo[]::new), null);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException, MBeanException, ReflectionException {
        Attr a = attributes.get(name);
        if (a == null) {
            throw new AttributeNotFoundException("no attribute " + name + "; this bean has " + attributes.keySet());
        }
        return a.source() < 0 ? a.value() : read(a, sources.get(a.source()).snapshot().get());
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        Object[] snapshots = new Object[sources.size()];
        AttributeList out = new AttributeList();
        for (String name : names) {
            Attr a = attributes.get(name);
            if (a == null) {
                continue; // the JMX contract: unknown names are left out of the answer
            }
            if (a.source() < 0) {
                out.add(new Attribute(name, a.value()));
                continue;
            }
            if (snapshots[a.source()] == null) {
                snapshots[a.source()] = sources.get(a.source()).snapshot().get();
            }
            try {
                out.add(new Attribute(name, read(a, snapshots[a.source()])));
            } catch (MBeanException | ReflectionException e) {
                // left out, as for an unknown name
            }
        }
        return out;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("attribute " + attribute.getName() + " is read-only: every attribute of this bean is");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        Operation op = operations.get(actionName);
        if (op == null || (params != null && params.length > 0)) {
            throw new ReflectionException(new NoSuchMethodException(actionName + " with " + (params == null ? 0 : params.length)
                    + " parameter(s); this bean has the no-argument operations " + operations.keySet()));
        }
        return op.action().get();
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }

    private static Object read(Attr a, Object snapshot) throws MBeanException, ReflectionException {
        try {
            return toOpen(a.component().getAccessor().invoke(snapshot), a.type());
        } catch (InvocationTargetException e) {
            throw new MBeanException(e.getCause() instanceof Exception x ? x : e, "reading " + a.component().getName());
        } catch (IllegalAccessException | OpenDataException e) {
            throw new ReflectionException(e, "reading " + a.component().getName());
        }
    }

    private static OpenType<?> openType(Type t) throws OpenDataException {
        if (t == int.class || t == Integer.class) {
            return SimpleType.INTEGER;
        }
        if (t == long.class || t == Long.class) {
            return SimpleType.LONG;
        }
        if (t == boolean.class || t == Boolean.class) {
            return SimpleType.BOOLEAN;
        }
        if (t == double.class || t == Double.class) {
            return SimpleType.DOUBLE;
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class
                && p.getActualTypeArguments()[0] instanceof Class<?> e && e.isRecord()) {
            return ArrayType.getArrayType(compositeType(e.asSubclass(Record.class)));
        }
        return SimpleType.STRING;
    }

    private static CompositeType compositeType(Class<? extends Record> type) throws OpenDataException {
        RecordComponent[] cs = type.getRecordComponents();
        String[] names = new String[cs.length];
        OpenType<?>[] types = new OpenType<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            names[i] = cs[i].getName();
            types[i] = openType(cs[i].getGenericType());
        }
        return new CompositeType(type.getSimpleName(), type.getName(), names, names, types);
    }

    private static Object toOpen(Object v, OpenType<?> type)
            throws OpenDataException, InvocationTargetException, IllegalAccessException {
        if (v == null) {
            return null;
        }
        if (type instanceof ArrayType<?> at) {
            CompositeType ct = (CompositeType) at.getElementOpenType();
            List<?> list = (List<?>) v;
            CompositeData[] out = new CompositeData[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = composite((Record) list.get(i), ct);
            }
            return out;
        }
        if (type == SimpleType.STRING && !(v instanceof String)) {
            return v instanceof Enum<?> e ? e.name() : String.valueOf(v);
        }
        return v;
    }

    private static CompositeData composite(Record r, CompositeType ct)
            throws OpenDataException, InvocationTargetException, IllegalAccessException {
        RecordComponent[] cs = r.getClass().getRecordComponents();
        Map<String, Object> items = new LinkedHashMap<>();
        for (RecordComponent c : cs) {
            items.put(c.getName(), toOpen(c.getAccessor().invoke(r), ct.getType(c.getName())));
        }
        return new CompositeDataSupport(ct, items);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
