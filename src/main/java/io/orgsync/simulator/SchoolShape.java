package io.orgsync.simulator;

/**
 * Size of the generated school. Every grade also gets one elective class (students of the grade
 * who take it are in two classes), so classes per grade on the wire are {@code classesPerGrade + 1}.
 */
public record SchoolShape(int campuses, int stagesPerCampus, int gradesPerStage, int classesPerGrade,
                          int studentsPerClass) {

    public SchoolShape {
        if (campuses < 1 || stagesPerCampus < 1 || gradesPerStage < 1 || classesPerGrade < 1 || studentsPerClass < 1) {
            throw new IllegalArgumentException("every school dimension must be at least 1: " + campuses + "/"
                    + stagesPerCampus + "/" + gradesPerStage + "/" + classesPerGrade + "/" + studentsPerClass);
        }
        long students = (long) campuses * stagesPerCampus * gradesPerStage * classesPerGrade * studentsPerClass;
        if (students > 20_000_000L) {
            throw new IllegalArgumentException("school too large: " + students + " students");
        }
    }

    /** 2 campuses x 2 stages x 2 grades x 3 classes x 10 students: small enough to read by eye. */
    public static SchoolShape demo() {
        return new SchoolShape(2, 2, 2, 3, 10);
    }

    public int grades() {
        return campuses * stagesPerCampus * gradesPerStage;
    }

    /** Regular (home) classes, electives excluded. */
    public int regularClasses() {
        return grades() * classesPerGrade;
    }

    public int students() {
        return regularClasses() * studentsPerClass;
    }
}
