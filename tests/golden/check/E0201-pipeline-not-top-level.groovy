timeout(time: 5, unit: 'MINUTES') {
    pipeline {
        agent any
        stages {
            stage('a') {
                steps {
                    echo 'a'
                }
            }
        }
    }
}
