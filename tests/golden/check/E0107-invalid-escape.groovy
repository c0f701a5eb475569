pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo "C:\qux"
            }
        }
    }
}
